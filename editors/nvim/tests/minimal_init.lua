-- Minimal init for the end-to-end test: this plugin (from the repository) on the runtimepath,
-- nothing else. Used with `nvim --headless --clean -u tests/minimal_init.lua`.
local plugin_dir = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h:h')
vim.opt.runtimepath:prepend(plugin_dir)
vim.opt.runtimepath:append(plugin_dir .. '/after')
vim.opt.swapfile = false
vim.opt.shadafile = 'NONE'
vim.opt.more = false
vim.g.openspec_plugin_dir = plugin_dir
