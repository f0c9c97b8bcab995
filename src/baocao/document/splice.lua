--[[
splice.lua: the section bodies of an official input, read by the one dialect, in the places of
their slots (baocao.document.tree). Runs FIRST in the DOCX/typst pandoc run, before the
templates' filters.

BAOCAO_BODIES names a JSON file: {"marker": …, "reader": …, "bodies": [prepared Markdown, …]}.
Each body is read on its own by pandoc.read with the dialect's reader format (the same reader
and extensions the site's HTML and `check` use: baocao.document.dialect.READER), so a footnote
label or an unclosed construct of one body cannot reach another; its blocks replace the slot
paragraph "<marker><index>" of the skeleton.
]]

local path = os.getenv("BAOCAO_BODIES")

local function read_all(file)
  local fh = assert(io.open(file, "rb"))
  local text = fh:read("a")
  fh:close()
  return text
end

return {{
  Pandoc = function(doc)
    if not path or path == "" then
      return nil
    end
    local data = pandoc.json.decode(read_all(path), false)
    local marker, reader, bodies = data.marker, data.reader, data.bodies
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
      if index ~= nil and bodies[index + 1] ~= nil then
        out:extend(pandoc.read(bodies[index + 1], reader).blocks)
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
