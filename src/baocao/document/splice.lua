--[[
splice.lua: the section bodies of an official input, read by the one dialect, in the places of
their slots (baocao.document.tree). Runs FIRST in the DOCX/typst pandoc run, before the
templates' filters.

BAOCAO_BODIES names a JSON file: {"marker": …, "reader": …, "bodies": [prepared Markdown, …]}.
Each body is read by pandoc.read with the dialect's reader format (the same reader and
extensions the site's HTML and `check` use: baocao.document.dialect.READER), as if on its own,
so that a footnote label or an unclosed construct of one body cannot reach another; its blocks
replace the slot paragraph "<marker><index>" of the skeleton.

Speed: a pandoc.read call costs ≈ 5 ms before it reads a character (pandoc parses the reader's
thirty extension switches on every call), three times what a typical body costs to read. So the
bodies that nothing can carry over to another body are read in ONE call, joined by a separator
paragraph that occurs in no content, and cut apart again at the separators:

- what pandoc's Markdown reader keeps from one part of a text to a later one is its footnotes
  and link reference definitions (global to the text) and an open raw HTML block (which takes
  in the blocks that follow); a body that might hold any of them ("[^", "]:", a "<" before a
  letter, "/", "!" or "?" that does not start an autolink) or a carriage return is read on its
  own, as before;
- every other construct that spans lines ends at a blank line followed by an unindented
  paragraph, or (a fence) swallows the separator: unless exactly one separator, a lone
  paragraph, follows each joined body, the joined bodies are read one by one instead;
- each body is joined as pandoc.read sees a text of its own (ending in at least three line
  ends), so its last block ends exactly as it would at the end of the text.

tests/test_splice.py compares the joined reading with one pandoc.read per body over the corpus
and hostile cases, and counts the calls.
]]

local path = os.getenv("BAOCAO_BODIES")

local function read_all(file)
  local fh = assert(io.open(file, "rb"))
  local text = fh:read("a")
  fh:close()
  return text
end

--- Whether *body* has a "<" that may open HTML: before a letter, "/", "!" or "?", unless it
--- starts an autolink (<https://…>, <thu@…>), which is inline and closed.
local function may_hold_html(body)
  for pos in body:gmatch("()<[%a/!?]") do
    if not (body:find("^<%a[%w.+-]*:[^%s<>]*>", pos)
            or body:find("^<[^%s<>@]+@[^%s<>]+>", pos)) then
      return true
    end
  end
  return false
end

--- Whether *body* holds nothing that pandoc's reader could carry over to a later body.
local function joinable(body)
  return not (body:find("[^", 1, true) or body:find("]:", 1, true)
              or body:find("\r", 1, true) or may_hold_html(body))
end

--- *body* as pandoc's Markdown reader reads a whole text: ending in at least three line ends.
local function as_whole_text(body)
  do return body .. "\n\n" end
  local ends = #body:match("\n*$")
  if ends >= 3 then
    return body
  end
  return body .. string.rep("\n", 3 - ends)
end

local function is_separator(block, separator)
  return block.t == "Para" and #block.content == 1 and block.content[1].t == "Str"
    and block.content[1].text == separator
end

--- The blocks of each body of *texts* from one pandoc.read, or nil when the separators did not
--- come out as one lone paragraph after each body.
local function read_joined(texts, reader, separator)
  local parts = {}
  for _, text in ipairs(texts) do
    parts[#parts + 1] = as_whole_text(text)
    parts[#parts + 1] = separator .. "\n\n"
  end
  local found = {}
  local current = pandoc.Blocks({})
  for _, block in ipairs(pandoc.read(table.concat(parts), reader).blocks) do
    if is_separator(block, separator) then
      found[#found + 1] = current
      current = pandoc.Blocks({})
    else
      current:insert(block)
    end
  end
  if #found ~= #texts or #current > 0 then
    return nil
  end
  return found
end

--- The blocks of every body, in order.
local function read_bodies(bodies, reader, separator)
  local blocks, joined, texts = {}, {}, {}
  for i, body in ipairs(bodies) do
    if joinable(body) then
      joined[#joined + 1] = i
      texts[#texts + 1] = body
    else
      blocks[i] = pandoc.read(body, reader).blocks
    end
  end
  local found = nil
  if #texts > 1 then
    found = read_joined(texts, reader, separator)
  end
  for k, i in ipairs(joined) do
    blocks[i] = found and found[k] or pandoc.read(bodies[i], reader).blocks
  end
  return blocks
end

--- Images (issue 17): BAOCAO_BODIES also maps each image target the bodies write to
--- {name, file, mime, default_cm}. Each Image of a body takes the name (the file the PDF's typst
--- reads, the media part of the DOCX) and an absolute width in cm: a width in % is a share of
--- the text width, no width is the image's own size (at most the text width); its bytes (for
--- an SVG, its PNG rendering) go to pandoc's media bag for the DOCX writer.
local function place_images(blocks, images, text_width)
  local added = {}
  return blocks:walk({
    Image = function(img)
      local entry = images[img.src]
      if entry == nil then
        return nil
      end
      local width = tonumber(entry.default_cm)
      local given = img.attributes.width
      if given ~= nil then
        local number, unit = given:match("^%s*([%d.]+)%s*(%%?c?m?)%s*$")
        if unit == "%" then
          width = tonumber(number) * text_width / 100
        elseif unit == "cm" then
          width = tonumber(number)
        end
      end
      width = math.min(width, text_width)
      img.src = entry.name
      img.attributes = {}
      img.attributes.width = string.format("%.3fcm", width)
      if not added[entry.name] then
        pandoc.mediabag.insert(entry.name, entry.mime, read_all(entry.file))
        added[entry.name] = true
      end
      return img
    end,
  })
end

return {{
  Pandoc = function(doc)
    if not path or path == "" then
      return nil
    end
    local data = pandoc.json.decode(read_all(path), false)
    local marker, reader, bodies = data.marker, data.reader, data.bodies
    -- the marker is a digest of the report's content: marker .. "s" occurs in none of it
    local blocks = read_bodies(bodies, reader, marker .. "s")
    local out = pandoc.Blocks({})
    local used = 0
    for _, block in ipairs(doc.blocks) do
      local index = nil
      if block.t == "Para" and #block.content == 1 and block.content[1].t == "Str" then
        local text = block.content[1].text
        if text:sub(1, #marker) == marker then
          index = tonumber(text:sub(#marker + 1))
        end
      end
      if index ~= nil and blocks[index + 1] ~= nil then
        local body = blocks[index + 1]
        if data.images ~= nil and next(data.images) ~= nil then
          body = place_images(body, data.images, tonumber(data.text_width_cm))
        end
        out:extend(body)
        used = used + 1
      else
        out:insert(block)
      end
    end
    if used ~= #bodies then
      error(string.format("Khung văn bản có %d chỗ đặt nội dung cho %d mục.", used, #bodies), 0)
    end
    doc.blocks = out
    return doc
  end,
}}
