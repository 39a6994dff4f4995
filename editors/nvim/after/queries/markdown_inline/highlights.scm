;; extends
; OpenSpec scenario steps and REMOVED-entry fields (openspec-lsp, editors/nvim): bold WHEN/THEN
; bullets and **Reason**/**Migration**.

((strong_emphasis) @keyword.openspec
  (#any-of? @keyword.openspec "**WHEN**" "**THEN**" "**AND**" "**GIVEN**" "**BUT**"))

((strong_emphasis) @keyword.openspec
  (#any-of? @keyword.openspec "**Reason**" "**Migration**"))
