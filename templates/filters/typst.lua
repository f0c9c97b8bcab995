--[[
typst.lua: typst-only adjustments, run AFTER official.lua (PDF route only).

  * A Str that typst's markup would change becomes a typst string literal, shown exactly as
    typed (the official text is the source's text, character for character): "..." (typst's
    ellipsis), "-" before a digit (typst's minus sign U+2212: "2023 -2025", "-5"), "-?" (typst's
    soft hyphen), and the quotes ‘ ’ (pandoc's typst writer prints ’ as a straight quote).
    pandoc's writer already escapes "--", "---", "~", '"' and "'"; the template turns smart
    quotes off.
  * A word holding a document number, a date or a number range ("1036/KHCN-QLCN,",
    "221-KL/TUBG-TUHD", "15/9/2023", "2019-2023") is put in a box, which no line breaks: typst
    would break after "/" ("1036/ ⏎ KHCN-QLCN"). Inside the box punctuation does not hang (see
    Str below). The tokens are those of
    baocao.vietnamese.number_tokens (same character classes; a test compares the two). A box
    wider than its line (a long number in a narrow column) still wraps inside itself.
  * Plain-text title/author for the PDF document properties (typst `document()` wants strings).
  * Headers: a LineBreak becomes `#linebreak()`; pandoc writes `\` + newline, and a newline ends a
    typst heading, which would push the Phần title out of the heading.
  * The last body paragraph is kept on the page of the signature block (a signature page must not
    be empty of content): it is wrapped in a sticky typst block; so is a paragraph right before a
    table of the body (its lead-in stays with the table).
  * Appendix table (phu-luc.bang) written as raw typst instead of pandoc's `#figure(table(…))`:
    no figure wrapper (a figure does not break across pages), relative widths as `fr`, the header
    row repeated on every page, and each group row ("I", "ĐÃ THỰC HIỆN: …", recognised as a row
    with a cell spanning several columns) kept on the page of the row after it. typst keeps rows
    together only when one unbreakable cell spans them, so the table gets an extra first column
    of zero width whose cell spans the group row and the next one. Cell contents are written by
    pandoc's own typst writer (escaping included). Rows never split: the template sets
    `table.cell(breakable: false)`.
]]

local stringify = pandoc.utils.stringify

--- A typst string literal with the plain text of a metadata value.
local function typst_string(value)
  local s = stringify(value or ""):gsub("%s+", " ")
  s = s:gsub("\\", "\\\\"):gsub('"', '\\"')
  return pandoc.MetaInlines{pandoc.RawInline("typst", '"' .. s .. '"')}
end

local ALIGN = {
  AlignLeft = "left",
  AlignRight = "right",
  AlignCenter = "center",
}

-- Cell contents are written by pandoc's typst writer in ONE call for the whole table (a call
-- per cell costs about half a millisecond each, and the appendix table has hundreds of cells):
-- the cells are joined with a raw marker block between them and the output is split on it.
local MARK = "// baocao-cell-boundary"

local function cells_markup(cells)
  local blocks = pandoc.Blocks({})
  for _, c in ipairs(cells) do
    blocks:insert(pandoc.RawBlock("typst", MARK))
    blocks:extend(c.contents)
  end
  local text = pandoc.write(pandoc.Pandoc(blocks), "typst", {wrap_text = "none"}) .. "\n"
  local out = {}
  local pos = 1
  local sep = MARK .. "\n"
  while true do
    local s = text:find(sep, pos, true)
    if not s then break end
    local next_s = text:find(sep, s + #sep, true)
    local part = text:sub(s + #sep, (next_s or (#text + 1)) - 1)
    part = part:gsub("^%s+", ""):gsub("%s+$", "")
    out[#out + 1] = "[" .. part .. "]"
    if not next_s then break end
    pos = next_s
  end
  if #out ~= #cells then
    error("typst.lua: không tách được nội dung ô của bảng phụ lục", 0)
  end
  return out
end

local function cell_args(cell, header)
  local args = {}
  local align = ALIGN[cell.alignment]
  if header then
    -- header cells are centred vertically too, as the DOCX shows them
    args[#args + 1] = "align: " .. (align or "center") .. " + horizon"
  elseif align then
    args[#args + 1] = "align: " .. align
  end
  if cell.col_span > 1 then args[#args + 1] = "colspan: " .. cell.col_span end
  if cell.row_span > 1 then args[#args + 1] = "rowspan: " .. cell.row_span end
  return args
end

local function cell_code(cell, markup, header)
  local args = cell_args(cell, header)
  if #args == 0 then return markup end
  return "table.cell(" .. table.concat(args, ", ") .. ")" .. markup
end

-- The zero-width first column (see the header comment).
local function spacer(rows)
  local span = rows > 1 and (", rowspan: " .. rows) or ""
  return "table.cell(inset: 0pt, stroke: none, breakable: false" .. span .. ")[]"
end

local function is_group(row)
  for _, c in ipairs(row.cells) do
    if c.col_span > 1 then return true end
  end
  return false
end

--- The appendix table as raw typst.
local function table_code(tbl)
  local cols = {"0pt"}
  for _, spec in ipairs(tbl.colspecs) do
    local w = spec[2]
    cols[#cols + 1] = (type(w) == "number" and w > 0) and string.format("%.4gfr", w * 100) or "auto"
  end
  local aligns = {"left"}
  for _, spec in ipairs(tbl.colspecs) do
    aligns[#aligns + 1] = ALIGN[spec[1]] or "auto"
  end
  local out = {
    "#table(",
    "  columns: (" .. table.concat(cols, ", ") .. "),",
    "  align: (" .. table.concat(aligns, ", ") .. "),",
  }
  local all = {}
  for _, row in ipairs(tbl.head.rows) do
    for _, c in ipairs(row.cells) do all[#all + 1] = c end
  end
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.body) do
      for _, c in ipairs(row.cells) do all[#all + 1] = c end
    end
  end
  local markup = cells_markup(all)
  local k = 0
  local function next_markup()
    k = k + 1
    return markup[k]
  end
  for _, row in ipairs(tbl.head.rows) do
    local cells = {spacer(1)}
    for _, c in ipairs(row.cells) do cells[#cells + 1] = cell_code(c, next_markup(), true) end
    out[#out + 1] = "  table.header(" .. table.concat(cells, ", ") .. "),"
  end
  for _, body in ipairs(tbl.bodies) do
    local rows = body.body
    local spanned = false
    for i, row in ipairs(rows) do
      local cells = {}
      if spanned then
        spanned = false
      elseif is_group(row) and i < #rows then
        cells[1] = spacer(2)
        spanned = true
      else
        cells[1] = spacer(1)
      end
      for _, c in ipairs(row.cells) do cells[#cells + 1] = cell_code(c, next_markup()) end
      out[#out + 1] = "  " .. table.concat(cells, ", ") .. ","
    end
  end
  out[#out + 1] = ")"
  return pandoc.RawBlock("typst", table.concat(out, "\n"))
end

local function Meta(m)
  local pl = m["phu-luc"]  -- one map, or a list of maps (Phụ lục I, II, …)
  if pl and pl["bang"] then
    pl["bang"] = pandoc.MetaBlocks(pandoc.Blocks(pl["bang"]):walk{Table = table_code})
    m["phu-luc"] = pl
  elseif pl and pandoc.utils.type(pl) == "List" then
    for i, item in ipairs(pl) do
      if item["bang"] then
        item["bang"] = pandoc.MetaBlocks(pandoc.Blocks(item["bang"]):walk{Table = table_code})
        pl[i] = item
      end
    end
    m["phu-luc"] = pl
  end
  return m
end

local function Header(h)
  return h:walk{
    LineBreak = function()
      -- the space before the break: typst drops it from the line but keeps it in the
      -- bookmark, which otherwise reads "Phần ITÌNH HÌNH…"
      return pandoc.RawInline("typst", " #linebreak();")
    end,
  }
end

--- A paragraph right before a table in the body (its lead-in, "Kết quả …:") is kept on the page
--- where the table starts.
local function keep_lead_ins(blocks)
  local out = pandoc.Blocks({})
  for i, b in ipairs(blocks) do
    local nxt = blocks[i + 1]
    if (b.t == "Para" or b.t == "Plain") and nxt and nxt.t == "Table" then
      out:insert(pandoc.Div({b}, pandoc.Attr("", {}, {{"typst:sticky", "true"},
                                                       {"typst:width", "100%"}})))
    else
      out:insert(b)
    end
  end
  return out
end

local function Pandoc(doc)
  doc.blocks = doc.blocks:walk{Blocks = keep_lead_ins}  -- the top list too
  local last = doc.blocks[#doc.blocks]
  if last and (last.t == "Para" or last.t == "Plain") then
    -- width: without it the block shrinks to its content and the lines are not justified
    local attrs = {{"typst:sticky", "true"}, {"typst:width", "100%"}}
    doc.blocks[#doc.blocks] = pandoc.Div({last}, pandoc.Attr("", {}, attrs))
  end
  return doc
end

--- Plain-text title/author for the PDF document properties, taken before the Str pass below
--- turns some words into raw typst (which has no plain text).
local function DocumentProperties(m)
  m["pdf-title"] = typst_string(m.title)
  m["pdf-author"] = typst_string(m.author)
  return m
end

--- Text typst's markup would change (see the header comment). "-" is followed by a digit, by
--- "?" or by any non-ASCII character (typst's minus rule takes any Unicode digit).
local function changed_by_markup(text)
  return text:find("...", 1, true) or text:find("\u{2018}") or text:find("\u{2019}")
    or text:find("%-[%d?\128-\255]")
end

--- A typst string literal that shows `text` as it is. The ";" ends the embedded expression, so
--- a "(" or "[" right after it is text, not a call.
local function literal(text)
  return '#"' .. text:gsub("\\", "\\\\"):gsub('"', '\\"') .. '";'
end

--- Letters and digits of a number token (as baocao.vietnamese._TOKEN_CHAR): ASCII, and the
--- Latin letters of Latin-1, Latin Extended-A/B and Latin Extended Additional.
local function is_alnum(c)
  return (c >= 48 and c <= 57) or (c >= 65 and c <= 90) or (c >= 97 and c <= 122)
    or (c >= 0xC0 and c <= 0x24F and c ~= 0xD7 and c ~= 0xF7) or (c >= 0x1E00 and c <= 0x1EFF)
end

local function is_joiner(c)
  return c == 45 or c == 47 or c == 46  -- - / .
end

--- Whether `text` holds a number token: from the start of a word, runs of letters and digits
--- joined by single "/", "-" or "." (at least two runs), with a digit among them.
local function has_number_token(text)
  if not text:find("%d") or not text:find("[-/.]") then
    return false
  end
  local cps = {}
  for _, c in utf8.codes(text) do
    cps[#cps + 1] = c
  end
  local n = #cps
  local i = 1
  while i <= n do
    if is_alnum(cps[i]) and (i == 1 or not is_alnum(cps[i - 1])) then
      local j, runs, digit, stop = i, 0, false, i
      while true do
        local k = j
        while k <= n and is_alnum(cps[k]) do
          digit = digit or (cps[k] >= 48 and cps[k] <= 57)
          k = k + 1
        end
        runs = runs + 1
        stop = k
        if k < n and is_joiner(cps[k]) and is_alnum(cps[k + 1]) then
          j = k + 1
        else
          break
        end
      end
      if runs >= 2 and digit then
        return true
      end
      i = stop
    else
      i = i + 1
    end
  end
  return false
end

local function Str(el)
  if has_number_token(el.text) then
    -- overhang: false: typst lets a comma or a period at the end of a line hang into the margin,
    -- and inside a box that end is the box's own; the box would be narrower than its text, and
    -- on a centred line (the trích yếu) the word would stand off its neighbours
    return pandoc.RawInline("typst", "#box(text(overhang: false, " .. literal(el.text):sub(2, -2)
      .. "));")
  elseif changed_by_markup(el.text) then
    return pandoc.RawInline("typst", literal(el.text))
  end
end

-- pandoc applies, in each traversal, Header (blocks) first, then Meta, then Pandoc.
return {
  {Meta = DocumentProperties},
  {Str = Str},
  {Header = Header, Meta = Meta, Pandoc = Pandoc},
}
