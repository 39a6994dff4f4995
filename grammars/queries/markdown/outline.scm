; Block structure of a Markdown artifact as CommonMark (tree-sitter-md) sees it.
; The server uses these captures for outlines, folding and the checks that flag
; places where CommonMark and OpenSpec's own line readers disagree.
(atx_heading) @heading
(setext_heading) @setext_heading
(fenced_code_block) @fenced_code
(indented_code_block) @indented_code
(html_block) @html
(list_item) @list_item
