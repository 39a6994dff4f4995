-- The openspec-lsp configuration for Neovim 0.11+ (`vim.lsp.enable('openspec')`). Override any
-- field with `vim.lsp.config('openspec', { cmd = { '/path/to/openspec-lsp' }, settings = ... })`.
return require('openspec').lsp_config()
