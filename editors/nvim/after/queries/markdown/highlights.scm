;; extends
; OpenSpec structure on top of Neovim's Markdown highlights (openspec-lsp, editors/nvim).
; OpenSpec reads a header only in column 0 and with exactly these words, so each pattern checks
; the whole header line. The block grammar has no node for one word, so `#offset!` stretches the
; marker's capture over the keyword after it ("###" -> "### Requirement:"). The server's
; semantic tokens refine this (SHALL/MUST, names) when the client enables them.

((atx_heading
  (atx_h3_marker) @keyword.openspec) @_header
  (#lua-match? @_header "^### Requirement:")
  (#offset! @keyword.openspec 0 0 0 13))

((atx_heading
  (atx_h4_marker) @keyword.openspec) @_header
  (#lua-match? @_header "^#### Scenario:")
  (#offset! @keyword.openspec 0 0 0 10))

((atx_heading
  (atx_h2_marker) @diff.plus) @_header
  (#lua-match? @_header "^## ADDED Requirements%s*$")
  (#offset! @diff.plus 0 0 0 6))

((atx_heading
  (atx_h2_marker) @diff.delta) @_header
  (#lua-match? @_header "^## MODIFIED Requirements%s*$")
  (#offset! @diff.delta 0 0 0 9))

((atx_heading
  (atx_h2_marker) @diff.minus) @_header
  (#lua-match? @_header "^## REMOVED Requirements%s*$")
  (#offset! @diff.minus 0 0 0 8))

((atx_heading
  (atx_h2_marker) @diff.delta) @_header
  (#lua-match? @_header "^## RENAMED Requirements%s*$")
  (#offset! @diff.delta 0 0 0 8))
