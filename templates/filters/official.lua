--[[
official.lua: shapes the pandoc input of an official report (docs/dev/official-input.md) for
both routes, DOCX and typst. It only builds ordinary pandoc elements, so it needs no raw output:

  1. `::: {.phan}` with two paragraphs (label, title) becomes ONE level-1 Header:
     label, LineBreak, title (Nghị định 30 "Phần I" on its own line above the title).
  2. Bullet lists become plain body paragraphs with a literal prefix by depth ("- ", "+ ",
     deeper "* "); ordered lists become literal labels ("1.", and for lower-alpha the Vietnamese
     alphabet "a) b) c) d) đ) e) g) …"). No Word numbering, no typst list markers (R29, R31).
  3. A title's line break mark (an empty `[]{.xuong-dong}`, with the spaces around it; written
     by baocao, src/baocao/write/title_lines.py, where a Phần, Mục, khoản or Phụ lục title
     breaks) becomes a LineBreak, in the body and in the metadata (`phu-luc.ten`).
  4. The appendix table is built from the metadata map `phu-luc` (`cot`, `do-rong`, `dong`) as a
     real pandoc Table with relative column widths and one header row, and stored back into the
     metadata as `phu-luc.bang` (MetaBlocks) so that each template places it where it wants.
     With several appendices `phu-luc` is a list of such maps, each getting its own `bang`.

Tested with pandoc 3.9 (pypandoc-binary 1.17). Error messages are Vietnamese (users see them).
]]

local stringify = pandoc.utils.stringify

-- Vietnamese alphabet order for "điểm" labels: has đ, has no f, j, w, z (R29).
local VI_LETTERS = {
  "a", "b", "c", "d", "đ", "e", "g", "h", "i", "k", "l", "m",
  "n", "o", "p", "q", "r", "s", "t", "u", "v", "x", "y",
}
-- Literal bullet prefixes by depth; deeper levels use the last one.
local BULLETS = { "-", "+", "*" }

local function vi_letter(n)
  local k = #VI_LETTERS
  local letter = VI_LETTERS[(n - 1) % k + 1]
  return string.rep(letter, (n - 1) // k + 1) -- after "y": "aa", "bb", … (never seen in practice)
end

local ROMAN = {
  { 1000, "M" }, { 900, "CM" }, { 500, "D" }, { 400, "CD" }, { 100, "C" }, { 90, "XC" },
  { 50, "L" }, { 40, "XL" }, { 10, "X" }, { 9, "IX" }, { 5, "V" }, { 4, "IV" }, { 1, "I" },
}

local function roman(n)
  local out = {}
  for _, pair in ipairs(ROMAN) do
    while n >= pair[1] do
      out[#out + 1] = pair[2]
      n = n - pair[1]
    end
  end
  return table.concat(out)
end

--- The literal label of item number `n` of an ordered list with the given style/delimiter.
local function ordered_label(n, style, delim)
  if style == "LowerAlpha" then
    return vi_letter(n) .. ")"
  elseif style == "UpperAlpha" then
    return pandoc.text.upper(vi_letter(n)) .. ")"
  elseif style == "LowerRoman" then
    return roman(n):lower() .. "."
  elseif style == "UpperRoman" then
    return roman(n) .. "."
  elseif delim == "OneParen" then
    return tostring(n) .. ")"
  elseif delim == "TwoParens" then
    return "(" .. tostring(n) .. ")"
  end
  return tostring(n) .. "."
end

local flatten_block -- forward declaration

--- Blocks of one list item: the first paragraph gets `label` in front, nested lists are flattened.
local function labelled(label, blocks, depth)
  local out = pandoc.Blocks({})
  local done = false
  for _, block in ipairs(blocks) do
    if not done and (block.t == "Para" or block.t == "Plain") then
      local inlines = pandoc.Inlines({ pandoc.Str(label), pandoc.Space() })
      inlines:extend(block.content)
      out:insert(pandoc.Para(inlines))
      done = true
    else
      if not done then
        out:insert(pandoc.Para({ pandoc.Str(label) }))
        done = true
      end
      out:extend(flatten_block(block, depth))
    end
  end
  if not done then
    out:insert(pandoc.Para({ pandoc.Str(label) }))
  end
  return out
end

--- A block with every list inside it turned into labelled paragraphs.
--- `depth` is the number of bullet lists around the block (ordered lists do not count).
flatten_block = function(block, depth)
  if block.t == "BulletList" then
    local label = BULLETS[math.min(depth + 1, #BULLETS)]
    local out = pandoc.Blocks({})
    for _, item in ipairs(block.content) do
      out:extend(labelled(label, item, depth + 1))
    end
    return out
  elseif block.t == "OrderedList" then
    local out = pandoc.Blocks({})
    local start = block.start or 1
    for i, item in ipairs(block.content) do
      out:extend(labelled(ordered_label(start + i - 1, block.style, block.delimiter), item, depth))
    end
    return out
  elseif block.t == "Plain" then
    return pandoc.Blocks({ pandoc.Para(block.content) })
  end
  return pandoc.Blocks({ block })
end

--- `::: {.phan}` → Header 1 "label<br>title".
local function phan(div)
  local inlines = pandoc.Inlines({})
  local n = 0
  for _, block in ipairs(div.content) do
    if block.t == "Para" or block.t == "Plain" then
      if n > 0 then
        inlines:insert(pandoc.LineBreak())
      end
      inlines:extend(block.content)
      n = n + 1
    end
  end
  if n == 0 then
    error("Khối Phần (::: {.phan}) không có nội dung: cần hai đoạn, nhãn “Phần …” và tên phần.", 0)
  end
  return pandoc.Header(1, inlines, pandoc.Attr(div.identifier))
end

--- Inlines with each break mark (an empty Span of class "xuong-dong") turned into a LineBreak;
--- the spaces around the mark go (the line ends there).
local function title_breaks(inlines)
  local found = false
  for _, el in ipairs(inlines) do
    if el.t == "Span" and el.classes:includes("xuong-dong") then
      found = true
      break
    end
  end
  if not found then
    return nil
  end
  local out = pandoc.Inlines({})
  local skip_space = false
  for _, el in ipairs(inlines) do
    if el.t == "Span" and el.classes:includes("xuong-dong") then
      while #out > 0 and (out[#out].t == "Space" or out[#out].t == "SoftBreak") do
        out:remove(#out)
      end
      out:insert(pandoc.LineBreak())
      skip_space = true
    elseif skip_space and (el.t == "Space" or el.t == "SoftBreak") then
      -- the space after the mark
    else
      skip_space = false
      out:insert(el)
    end
  end
  return out
end

local break_filter = { Inlines = title_breaks }

local body_filter = {
  traverse = "topdown",
  Div = function(div)
    if div.classes:includes("phan") then
      return phan(div)
    end
  end,
  BulletList = function(list)
    return flatten_block(list, 0), false
  end,
  OrderedList = function(list)
    return flatten_block(list, 0), false
  end,
}

-- ------------------------------------------------------------------------------------------
-- Appendix table from metadata `phu-luc`

--- Metadata value → Inlines (MetaInlines, MetaString, MetaBlocks or a number all work).
local function as_inlines(value)
  local ty = pandoc.utils.type(value)
  if value == nil then
    return pandoc.Inlines({})
  elseif ty == "Inlines" then
    return value
  elseif ty == "Blocks" then
    return pandoc.utils.blocks_to_inlines(value)
  elseif ty == "string" or ty == "number" or ty == "boolean" then
    return pandoc.Inlines(tostring(value))
  end
  return pandoc.Inlines(stringify(value))
end

local function as_list(value, what)
  if value == nil then
    return {}
  end
  if pandoc.utils.type(value) ~= "List" and type(value) ~= "table" then
    error("Phụ lục: '" .. what .. "' phải là một danh sách.", 0)
  end
  return value
end

local function cell(inlines, align, colspan)
  return pandoc.Cell(pandoc.Blocks({ pandoc.Plain(inlines) }), align or pandoc.AlignDefault, 1,
    colspan or 1)
end

local function bold(inlines)
  if #inlines == 0 then
    return inlines
  end
  return pandoc.Inlines({ pandoc.Strong(inlines) })
end

--- Column alignment: the first column (TT) and columns whose task cells are all short
--- (dates, "Đúng hạn", …) are centred; long text is left-aligned.
local function column_aligns(ncols, task_rows)
  local aligns = {}
  for c = 1, ncols do
    local longest = 0
    for _, cells in ipairs(task_rows) do
      local text = stringify(cells[c] or "")
      longest = math.max(longest, utf8.len(text) or #text)
    end
    aligns[c] = (c == 1 or longest <= 12) and pandoc.AlignCenter or pandoc.AlignLeft
  end
  return aligns
end

local function appendix_table(pl)
  local cot = as_list(pl["cot"], "cot")
  local ncols = #cot
  if ncols < 2 then
    error("Phụ lục: 'cot' cần ít nhất hai tiêu đề cột.", 0)
  end

  local widths = {}
  local total = 0
  local do_rong = as_list(pl["do-rong"], "do-rong")
  if #do_rong > 0 then
    if #do_rong ~= ncols then
      error(string.format("Phụ lục: 'do-rong' có %d giá trị nhưng bảng có %d cột.", #do_rong, ncols), 0)
    end
    for i, w in ipairs(do_rong) do
      local x = tonumber(stringify(w))
      if x == nil or x <= 0 then
        error("Phụ lục: độ rộng cột thứ " .. i .. " ('" .. stringify(w) .. "') không phải số dương.", 0)
      end
      widths[i] = x
      total = total + x
    end
  end

  local dong = as_list(pl["dong"], "dong")
  local task_rows = {}
  for r, row in ipairs(dong) do
    if type(row) ~= "table" then
      error("Phụ lục: dòng thứ " .. r .. " không hợp lệ.", 0)
    end
    if row["o"] ~= nil then
      local cells = as_list(row["o"], "o")
      if #cells > ncols then
        error(string.format("Phụ lục: dòng thứ %d có %d ô nhưng bảng chỉ có %d cột.", r, #cells, ncols), 0)
      end
      task_rows[#task_rows + 1] = cells
    end
  end
  local aligns = column_aligns(ncols, task_rows)

  local colspecs = {}
  for c = 1, ncols do
    local w = (total > 0) and (widths[c] / total) or pandoc.ColWidthDefault
    colspecs[c] = { aligns[c], w }
  end

  local head_cells = {}
  for c, title in ipairs(cot) do
    head_cells[c] = cell(bold(as_inlines(title)), pandoc.AlignCenter)
  end
  local head = pandoc.TableHead({ pandoc.Row(head_cells) })

  local rows = {}
  for r, row in ipairs(dong) do
    if row["o"] ~= nil then
      local cells = {}
      local values = as_list(row["o"], "o")
      for c = 1, ncols do
        cells[c] = cell(as_inlines(values[c]), aligns[c])
      end
      rows[#rows + 1] = pandoc.Row(cells)
    elseif row["nhom"] ~= nil or row["nhan"] ~= nil then
      rows[#rows + 1] = pandoc.Row({
        cell(bold(as_inlines(row["nhom"])), pandoc.AlignCenter),
        cell(bold(as_inlines(row["nhan"])), pandoc.AlignLeft, ncols - 1),
      })
    else
      error("Phụ lục: dòng thứ " .. r .. " phải có 'o' (nhiệm vụ) hoặc 'nhom' và 'nhan' (nhóm).", 0)
    end
  end

  local body = { attr = pandoc.Attr(), body = rows, head = {}, row_head_columns = 0 }
  return pandoc.Table(pandoc.Caption(), colspecs, head, { body }, pandoc.TableFoot())
end

--- `phu-luc` is one map (one appendix) or a list of maps (Phụ lục I, II, …).
local function is_list(value)
  return pandoc.utils.type(value) == "List" or (type(value) == "table" and value[1] ~= nil)
end

local meta_filter = {
  Meta = function(meta)
    local pl = meta["phu-luc"]
    if pl == nil or type(pl) ~= "table" then
      return nil
    end
    local items = is_list(pl) and pl or { pl }
    local changed = false
    for _, item in ipairs(items) do
      if type(item) == "table" and item["cot"] ~= nil then
        item["bang"] = pandoc.MetaBlocks({ appendix_table(item) })
        changed = true
      end
    end
    if not changed then
      return nil
    end
    meta["phu-luc"] = is_list(pl) and pandoc.MetaList(items) or items[1]
    return meta
  end,
}

return { break_filter, body_filter, meta_filter }
