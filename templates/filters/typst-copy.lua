--[[
typst-copy.lua: lets ONE pandoc run produce both official documents (DOCX route, batch builds).

Run last, after official.lua, on the DOCX route. When the environment names an output file
(BAOCAO_TYPST_OUT), it takes a copy of the document as official.lua left it, applies the
PDF-only filter typst.lua (BAOCAO_TYPST_FILTER) and writes the typst source with the PDF
template (BAOCAO_TYPST_TEMPLATE) to that file, exactly as a separate
`pandoc --to=typst --template=… --lua-filter=official.lua --lua-filter=typst.lua --wrap=none`
run would (a test compares the two byte for byte). The DOCX itself is not changed.

Why: pandoc's Markdown reader is most of the cost of a run, and this reads each report once
instead of twice. pandoc's --sandbox limits readers and writers, not Lua filters, so the filter
can write the file; it writes only the path baocao gives it.
]]

local out = os.getenv("BAOCAO_TYPST_OUT")
local template_path = os.getenv("BAOCAO_TYPST_TEMPLATE")
local filter_path = os.getenv("BAOCAO_TYPST_FILTER")

local function read_file(path)
  local fh = assert(io.open(path, "rb"))
  local text = fh:read("a")
  fh:close()
  return text
end

return {{
  Pandoc = function(doc)
    if not out or out == "" then
      return nil
    end
    local copy = doc:clone()
    for _, filter in ipairs(dofile(filter_path)) do
      copy = copy:walk(filter)
    end
    local template = pandoc.template.compile(read_file(template_path), template_path)
    local text = pandoc.write(copy, "typst", pandoc.WriterOptions{template = template, wrap_text = "none"})
    local fh = assert(io.open(out, "wb"))
    fh:write(text)
    fh:close()
    return nil
  end,
}}
