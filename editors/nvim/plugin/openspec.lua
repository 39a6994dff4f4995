-- User commands of the OpenSpec plugin. Cheap to load: the work happens in lua/openspec/ when a
-- command runs. The language server itself starts through `vim.lsp.enable('openspec')` (0.11+)
-- or `require('openspec').setup()`.
if vim.g.loaded_openspec then
  return
end
vim.g.loaded_openspec = true

vim.api.nvim_create_autocmd('LspAttach', {
  group = vim.api.nvim_create_augroup('openspec_attach', { clear = true }),
  callback = function(args)
    local client = vim.lsp.get_client_by_id(args.data.client_id)
    if client ~= nil and client.name == 'openspec' then
      require('openspec').on_attach(client, args.buf)
    end
  end,
  desc = 'OpenSpec: completion that inserts what the item promises',
})

vim.api.nvim_create_user_command('OpenSpecCheck', function(args)
  require('openspec').check({ path = args.args, terminal = args.bang })
end, {
  nargs = '?',
  bang = true,
  complete = 'dir',
  desc = 'Run openspec-lsp check on the OpenSpec root (quickfix; ! for a terminal)',
})

vim.api.nvim_create_user_command('OpenSpecPreview', function(args)
  require('openspec').preview(args.fargs[1], args.fargs[2])
end, {
  nargs = '*',
  complete = function(arg_lead, cmd_line)
    return require('openspec').complete_preview(arg_lead, cmd_line)
  end,
  desc = 'Show the main spec as archiving a change would write it',
})

vim.api.nvim_create_user_command('OpenSpecPreviewDiff', function(args)
  require('openspec').preview_diff(args.fargs[1], args.fargs[2])
end, {
  nargs = '*',
  complete = function(arg_lead, cmd_line)
    return require('openspec').complete_preview(arg_lead, cmd_line)
  end,
  desc = 'Show what archiving a change would do to each main spec, as a unified diff',
})

vim.api.nvim_create_user_command('OpenSpecHistory', function(args)
  local capability = args.fargs[1]
  local requirement = #args.fargs > 1 and table.concat(vim.list_slice(args.fargs, 2), ' ') or nil
  require('openspec').history(capability, requirement)
end, {
  nargs = '*',
  desc = "A requirement's history across archived and active changes, in the quickfix list",
})
