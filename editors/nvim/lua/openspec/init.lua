--- OpenSpec support for Neovim: the openspec-lsp client configuration, root detection, and the
--- :OpenSpecCheck / :OpenSpecPreview commands. All OpenSpec knowledge lives in the server; this
--- module only finds roots (to decide where to attach), starts the client and shows results.
local M = {}

--- Settings the server reads (section `openspec`, also sent as initializationOptions).
--- `severity` is a map from rule code to "error" | "warning" | "info" | "hint" | "off".
M.default_settings = {
  openspec = {
    strict = false,
    allRules = false,
    severity = vim.empty_dict(),
    extraRoots = {},
  },
}

local uv = vim.uv or vim.loop

local function is_dir(path)
  local stat = uv.fs_stat(path)
  return stat ~= nil and stat.type == 'directory'
end

local function is_file(path)
  local stat = uv.fs_stat(path)
  return stat ~= nil and stat.type == 'file'
end

--- Whether `dir` is an OpenSpec root the way the CLI sees one: `dir/openspec/` holds `specs/`,
--- `changes/` or a `config.yaml`/`config.yml`.
function M.is_root(dir)
  local openspec = dir .. '/openspec'
  return is_dir(openspec)
    and (
      is_dir(openspec .. '/specs')
      or is_dir(openspec .. '/changes')
      or is_file(openspec .. '/config.yaml')
      or is_file(openspec .. '/config.yml')
    )
end

--- The nearest OpenSpec root at or above `path` (a file or a folder), or nil.
function M.find_root(path)
  local start = vim.fs.normalize(vim.fn.fnamemodify(path, ':p'))
  if not is_dir(start) then
    start = vim.fs.dirname(start)
  end
  if M.is_root(start) then
    return start
  end
  for dir in vim.fs.parents(start) do
    if M.is_root(dir) then
      return dir
    end
  end
  return nil
end

--- A store's identity file, relative to its checkout.
M.STORE_METADATA = '.openspec-store/store.yaml'

--- The root a buffer belongs to, when the buffer is an OpenSpec file (anything under
--- `<root>/openspec/`, or a store's `.openspec-store/store.yaml`); nil for other files, so a
--- README elsewhere never starts the server.
function M.root_for_buffer(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == '' or name:match('^%a[%w+.-]*://') then
    return nil
  end
  local path = vim.fs.normalize(vim.fn.fnamemodify(name, ':p'))
  local root = M.find_root(path)
  if root == nil then
    return nil
  end
  if path:sub(1, #root + 10) ~= root .. '/openspec/' and path ~= root .. '/' .. M.STORE_METADATA then
    return nil
  end
  return root
end

--- Whether `root` is a store's checkout (it has `.openspec-store/store.yaml`).
function M.is_store_checkout(root)
  return is_file(root .. '/' .. M.STORE_METADATA)
end

--- The root dir a buffer's client works in: its own root, except that a file of a store
--- checkout (a definition or workspace symbol target, usually outside the workspace) joins the
--- openspec client already running, which indexes the stores its workspace points at and
--- references, instead of starting a server of its own for it.
function M.client_root_for_buffer(bufnr)
  local root = M.root_for_buffer(bufnr)
  if root == nil or not M.is_store_checkout(root) then
    return root
  end
  local running = (vim.lsp.get_clients or vim.lsp.get_active_clients)({ name = 'openspec' })
  for _, client in ipairs(running) do
    if client.root_dir ~= nil and client.root_dir ~= root then
      return client.root_dir
    end
  end
  return root
end

--- Client-side commands the server's code lenses and code actions use.
M.commands = {
  --- Argument: the text to copy (the register command of an unregistered store). Goes to the
  --- system clipboard (`+`) when Neovim has a clipboard provider, and to the unnamed register.
  ['openspec.copyToClipboard'] = function(command)
    local text = (command.arguments or {})[1]
    if type(text) ~= 'string' then
      return
    end
    vim.fn.setreg('"', text)
    local copied = vim.fn.has('clipboard') == 1 and pcall(vim.fn.setreg, '+', text)
    local where = copied and 'the clipboard' or 'the unnamed register'
    vim.notify(('OpenSpec: copied to %s: %s'):format(where, text), vim.log.levels.INFO)
  end,
  --- Arguments: the document URI, a position, and the LSP locations to show.
  ['openspec.showLocations'] = function(command, ctx)
    local arguments = command.arguments or {}
    local locations = arguments[3] or {}
    if #locations == 0 then
      return
    end
    local client = vim.lsp.get_client_by_id(ctx.client_id)
    local encoding = client and client.offset_encoding or 'utf-16'
    local items = vim.lsp.util.locations_to_items(locations, encoding)
    vim.fn.setqflist({}, ' ', { title = command.title, items = items })
    if #items == 1 then
      vim.cmd('cfirst')
    else
      vim.cmd('botright copen')
    end
  end,
}

--- Runs for every buffer the openspec client attaches to (an LspAttach autocommand from
--- plugin/openspec.lua, so a user's own `on_attach` does not replace it). Turns on Neovim's LSP
--- completion for the buffer: its CompleteDone handler applies the item's edit, so accepting
--- a snippet item (a requirement template, "copy current requirement") through the omnifunc
--- inserts the whole text rather than the label. `vim.g.openspec_completion = false` leaves
--- completion alone (for nvim-cmp or blink users who prefer so); `vim.g.openspec_autotrigger`
--- turns on completion as you type.
function M.on_attach(client, bufnr)
  local completion = vim.lsp.completion
  if vim.g.openspec_completion == false or completion == nil or completion.enable == nil then
    return
  end
  completion.enable(true, client.id, bufnr, { autotrigger = vim.g.openspec_autotrigger == true })
end

--- The configuration for `vim.lsp.config('openspec', ...)` (what `lsp/openspec.lua` returns).
function M.lsp_config()
  return {
    cmd = { 'openspec-lsp' },
    filetypes = { 'markdown', 'yaml' },
    -- `root_dir` decides; `root_markers` documents the intent for tools that read it.
    root_markers = { 'openspec' },
    root_dir = function(bufnr, on_dir)
      local root = M.client_root_for_buffer(bufnr)
      if root then
        on_dir(root)
      end
    end,
    settings = vim.deepcopy(M.default_settings),
    before_init = function(params, config)
      params.initializationOptions = (config.settings or {}).openspec
    end,
    commands = M.commands,
  }
end

M.options = {}
--- The configuration `setup()` starts clients with when it uses `vim.lsp.start`, else nil.
M.started_by_setup = nil

--- Sets the plugin up. On Neovim 0.11+ this is optional (`vim.lsp.enable('openspec')` is
--- enough); it merges `opts` into the `openspec` config and enables it. With
--- `use_lsp_start = true`, or on a Neovim without `vim.lsp.config`, it starts the client with
--- `vim.lsp.start` from a FileType autocommand instead.
---
--- opts: `cmd` (list), `settings` ({openspec = {...}}), `filetypes`, `on_attach`,
--- `capabilities`, `use_lsp_start` (bool).
function M.setup(opts)
  opts = opts or {}
  M.options = opts
  local overrides = {}
  for _, key in ipairs({ 'cmd', 'settings', 'filetypes', 'on_attach', 'capabilities', 'handlers' }) do
    if opts[key] ~= nil then
      overrides[key] = opts[key]
    end
  end
  local has_config = vim.lsp.config ~= nil and vim.lsp.enable ~= nil
  if has_config and not opts.use_lsp_start then
    vim.lsp.config('openspec', overrides)
    vim.lsp.enable('openspec')
    return
  end
  local config = vim.tbl_deep_extend('force', M.lsp_config(), overrides)
  M.started_by_setup = config
  local group = vim.api.nvim_create_augroup('openspec_lsp_start', { clear = true })
  local function start(bufnr)
    local root = M.client_root_for_buffer(bufnr)
    if root == nil then
      return
    end
    local start_config = vim.tbl_extend('force', config, {
      name = 'openspec',
      root_dir = root,
      workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
      init_options = (config.settings or {}).openspec,
    })
    start_config.root_markers = nil
    start_config.filetypes = nil
    start_config.before_init = nil
    vim.lsp.start(start_config, { bufnr = bufnr })
  end
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = config.filetypes,
    callback = function(args)
      start(args.buf)
    end,
  })
  -- Buffers opened before setup ran.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(config.filetypes, vim.bo[bufnr].filetype) then
      start(bufnr)
    end
  end
end

--- The effective configuration: what `vim.lsp.config` resolved (0.11+), else setup()'s options.
local function effective_config()
  if M.started_by_setup ~= nil then
    return M.started_by_setup
  end
  local resolved = vim.lsp.config and vim.lsp.config.openspec or nil
  if resolved ~= nil then
    return resolved
  end
  return vim.tbl_deep_extend('force', M.lsp_config(), M.options)
end

--- The server command (a list), as configured.
function M.cmd()
  local cmd = effective_config().cmd
  if type(cmd) ~= 'table' or #cmd == 0 then
    return { 'openspec-lsp' }
  end
  return cmd
end

--- The server's settings, as configured.
function M.settings()
  return ((effective_config().settings or {}).openspec) or M.default_settings.openspec
end

local function notify(message, level)
  vim.notify('OpenSpec: ' .. message, level or vim.log.levels.INFO)
end

--- The root to work on: the current buffer's, else the one above (or at) the cwd.
local function current_root()
  local name = vim.api.nvim_buf_get_name(0)
  local from_buffer = name ~= '' and not name:match('^%a[%w+.-]*://') and M.find_root(name) or nil
  return from_buffer or M.find_root(uv.cwd())
end

--- Columns from `check --format json` count Unicode characters; quickfix wants bytes.
local function byte_col(path, line, char_col)
  local ok, lines = pcall(vim.fn.readfile, path, '', line)
  local text = ok and lines[line] or nil
  if text == nil or char_col <= 1 then
    return math.max(char_col, 1)
  end
  local ok_index, index = pcall(vim.str_byteindex, text, 'utf-32', char_col - 1, false)
  if not ok_index then
    ok_index, index = pcall(vim.str_byteindex, text, char_col - 1)
  end
  return ok_index and index + 1 or char_col
end

--- :OpenSpecCheck[!] [path]: runs `openspec-lsp check` on the root (or `path`). Without `!` the
--- findings go to the quickfix list; with `!` the human report runs in a terminal split.
function M.check(opts)
  opts = opts or {}
  local target = opts.path
  if target == nil or target == '' then
    target = current_root() or uv.cwd()
  end
  target = vim.fn.fnamemodify(target, ':p')
  local settings = M.settings()
  -- `cmd` may carry arguments for serving (`serve`); `check` is its own subcommand.
  local args = { M.cmd()[1], 'check' }
  if settings.strict then
    table.insert(args, '--strict')
  end
  if settings.allRules then
    table.insert(args, '--all-rules')
  end
  if opts.terminal then
    table.insert(args, target)
    vim.cmd('botright new')
    local win = vim.api.nvim_get_current_win()
    local bufnr = vim.api.nvim_get_current_buf()
    -- The verdicts come last: once the report is written, show its last line at the bottom of
    -- the window (a terminal opened at the top stays there while the report scrolls past).
    local function on_exit()
      vim.schedule(function()
        if vim.api.nvim_win_is_valid(win) and vim.api.nvim_win_get_buf(win) == bufnr then
          local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
          local last = #lines
          while last > 1 and vim.trim(lines[last]) == '' do
            last = last - 1
          end
          vim.api.nvim_win_set_cursor(win, { last, 0 })
          vim.api.nvim_win_call(win, function()
            vim.cmd('normal! zb')
          end)
        end
        vim.api.nvim_exec_autocmds('User', { pattern = 'OpenSpecCheckDone', modeline = false })
      end)
    end
    if vim.fn.has('nvim-0.11') == 1 then
      vim.fn.jobstart(args, { term = true, on_exit = on_exit })
    else
      vim.fn.termopen(args, { on_exit = on_exit })
    end
    return
  end
  vim.list_extend(args, { '--format', 'json', target })
  local base = is_dir(target) and target or vim.fs.dirname(target)
  vim.system(args, { text = true, env = { NO_COLOR = '1' } }, function(result)
    vim.schedule(function()
      local ok, report = pcall(vim.json.decode, result.stdout or '')
      if not ok or type(report) ~= 'table' then
        notify(('check failed (exit %d): %s'):format(result.code, vim.trim(result.stderr or '')), vim.log.levels.ERROR)
        return
      end
      local items = {}
      for _, diagnostic in ipairs(report.diagnostics or {}) do
        local folder = base
        if diagnostic.root ~= nil then
          folder = base .. '/' .. diagnostic.root
        end
        local path = vim.fs.normalize(folder .. '/' .. diagnostic.path)
        table.insert(items, {
          filename = path,
          lnum = diagnostic.line,
          col = byte_col(path, diagnostic.line, diagnostic.column),
          end_lnum = diagnostic.end_line,
          end_col = byte_col(path, diagnostic.end_line, diagnostic.end_column),
          type = ({ error = 'E', warning = 'W', info = 'I', hint = 'N' })[diagnostic.severity] or 'E',
          text = ('[%s] %s'):format(diagnostic.code, diagnostic.message),
        })
      end
      local summary = report.summary or {}
      local title = ('openspec-lsp check: %d/%d valid, %d error(s), %d warning(s)'):format(
        summary.passed or 0,
        summary.items or 0,
        summary.errors or 0,
        summary.warnings or 0
      )
      vim.fn.setqflist({}, ' ', { title = title, items = items })
      if #items > 0 then
        vim.cmd('botright copen')
      end
      notify(title, (summary.failed or 0) > 0 and vim.log.levels.WARN or vim.log.levels.INFO)
      vim.api.nvim_exec_autocmds('User', { pattern = 'OpenSpecCheckDone', modeline = false })
    end)
  end)
end

--- Active changes with delta specs under `root`: { [change] = { capability, ... } }.
function M.list_changes(root)
  local changes = {}
  local changes_dir = root .. '/openspec/changes'
  for name, kind in vim.fs.dir(changes_dir) do
    if kind == 'directory' and name ~= 'archive' and name:sub(1, 1) ~= '.' then
      local capabilities = {}
      local specs_dir = changes_dir .. '/' .. name .. '/specs'
      for relative, entry_kind in vim.fs.dir(specs_dir, { depth = 20 }) do
        if entry_kind == 'file' and vim.fs.basename(relative) == 'spec.md' then
          local capability = vim.fs.dirname(relative)
          if capability ~= '.' then
            table.insert(capabilities, capability)
          end
        end
      end
      table.sort(capabilities)
      changes[name] = capabilities
    end
  end
  return changes
end

--- The change and capability of a delta spec buffer, if it is one.
local function delta_of_buffer(bufnr)
  local path = vim.fs.normalize(vim.api.nvim_buf_get_name(bufnr))
  local change, capability = path:match('/openspec/changes/([^/]+)/specs/(.+)/spec%.md$')
  if change == nil or change == 'archive' then
    return nil
  end
  return change, capability
end

local function openspec_client(root)
  local clients = (vim.lsp.get_clients or vim.lsp.get_active_clients)({ name = 'openspec' })
  for _, client in ipairs(clients) do
    if root == nil or client.root_dir == root then
      return client
    end
  end
  return clients[1]
end

local function client_request(client, method, params, handler)
  if vim.fn.has('nvim-0.11') == 1 then
    return client:request(method, params, handler)
  end
  return client.request(method, params, handler)
end

--- Shows `text` in a read-only scratch buffer named `name`, in a vertical split.
local function show_scratch(name, text)
  local existing = vim.fn.bufnr(name)
  if existing ~= -1 then
    vim.api.nvim_buf_delete(existing, { force = true })
  end
  local bufnr = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_buf_set_name(bufnr, name)
  vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, vim.split(text, '\r?\n'))
  vim.bo[bufnr].buftype = 'nofile'
  vim.bo[bufnr].bufhidden = 'wipe'
  vim.bo[bufnr].swapfile = false
  vim.bo[bufnr].filetype = 'markdown'
  vim.bo[bufnr].modifiable = false
  vim.bo[bufnr].readonly = true
  vim.cmd('vsplit')
  vim.api.nvim_win_set_buf(0, bufnr)
  return bufnr
end

--- :OpenSpecPreview [change] [capability]: the main spec as archiving the change would write it,
--- computed by the server (`openspec.previewArchive`), in a read-only scratch buffer. Without
--- arguments it previews the delta spec in the current buffer, or asks.
function M.preview(change, capability, on_done)
  local root = current_root()
  if root == nil then
    notify('no OpenSpec root here', vim.log.levels.ERROR)
    return
  end
  local client = openspec_client(root)
  if client == nil then
    notify('the openspec-lsp client is not running; open a file under openspec/ first', vim.log.levels.ERROR)
    return
  end
  if change == nil or change == '' then
    local buffer_change, buffer_capability = delta_of_buffer(0)
    if buffer_change ~= nil then
      return M.preview(buffer_change, buffer_capability, on_done)
    end
    local changes = M.list_changes(root)
    local ids = vim.tbl_keys(changes)
    table.sort(ids)
    if #ids == 0 then
      notify('no active change has delta specs', vim.log.levels.WARN)
      return
    end
    vim.ui.select(ids, { prompt = 'Change to preview' }, function(picked)
      if picked ~= nil then
        M.preview(picked, nil, on_done)
      end
    end)
    return
  end
  local argument = { change = change, root = vim.uri_from_fname(root) }
  if capability ~= nil and capability ~= '' then
    argument.capability = capability
  end
  local params = { command = 'openspec.previewArchive', arguments = { argument } }
  client_request(client, 'workspace/executeCommand', params, function(err, result)
    if err ~= nil then
      notify(('cannot preview %s: %s'):format(change, err.message or vim.inspect(err)), vim.log.levels.ERROR)
      return
    end
    if type(result) ~= 'string' then
      notify('the server returned no preview for ' .. change, vim.log.levels.ERROR)
      return
    end
    local name = ('openspec-preview://%s/%s'):format(change, capability or 'all')
    local bufnr = show_scratch(name, result)
    if on_done then
      on_done(bufnr)
    end
  end)
end

--- The unified diff of one capability of the server's JSON preview (`format = 'json'`), with
--- `--- a/` and `+++ b/` headers (`/dev/null` for a created or deleted file); '' when archive
--- leaves the spec as it is.
function M.capability_diff(capability)
  if capability.action == 'unchanged' then
    return ''
  end
  local current = type(capability.current) == 'string' and capability.current or ''
  local merged = type(capability.text) == 'string' and capability.text or ''
  local old = type(capability.current) == 'string' and ('a/' .. capability.path) or '/dev/null'
  local new = capability.action == 'delete' and '/dev/null' or ('b/' .. capability.path)
  local hunks = vim.diff((current:gsub('\r\n', '\n')), (merged:gsub('\r\n', '\n')), { result_type = 'unified', ctxlen = 3 })
  return ('--- %s\n+++ %s\n%s'):format(old, new, hunks)
end

--- The lines of the diff buffer: each refusal (`path:line:column: message`), then every diff.
function M.preview_diff_lines(preview)
  local lines = {}
  local refusals = vim.list_extend({}, preview.refusals or {})
  for _, capability in ipairs(preview.capabilities or {}) do
    vim.list_extend(refusals, capability.refusals or {})
  end
  for _, refusal in ipairs(refusals) do
    local message = tostring(refusal.message):gsub('\n', ' ')
    table.insert(lines, ('# archive would refuse: %s:%d:%d: %s'):format(refusal.path, refusal.line, refusal.column, message))
  end
  for _, capability in ipairs(preview.capabilities or {}) do
    local diff = M.capability_diff(capability)
    if diff ~= '' then
      vim.list_extend(lines, vim.split(diff, '\n', { trimempty = true }))
    end
  end
  if #lines == 0 then
    table.insert(lines, ('# archiving %s leaves every main spec as it is'):format(preview.change))
  end
  return lines
end

--- :OpenSpecPreviewDiff [change] [capability]: what archiving the change would do to each main
--- spec, as a unified diff in a read-only `diff` buffer (refusals listed on top). Without a
--- change it uses the delta spec in the current buffer.
function M.preview_diff(change, capability, on_done)
  local root = current_root()
  local client = root and openspec_client(root)
  if client == nil then
    notify('the openspec-lsp client is not running; open a file under openspec/ first', vim.log.levels.ERROR)
    return
  end
  if change == nil or change == '' then
    change, capability = delta_of_buffer(0)
    if change == nil then
      notify('name a change: :OpenSpecPreviewDiff <change> [capability]', vim.log.levels.ERROR)
      return
    end
  end
  local argument = { change = change, root = vim.uri_from_fname(root), format = 'json' }
  if capability ~= nil and capability ~= '' then
    argument.capability = capability
  end
  local params = { command = 'openspec.previewArchive', arguments = { argument } }
  client_request(client, 'workspace/executeCommand', params, function(err, result)
    if err ~= nil then
      notify(('cannot preview %s: %s'):format(change, err.message or vim.inspect(err)), vim.log.levels.ERROR)
      return
    end
    if type(result) ~= 'table' or type(result.capabilities) ~= 'table' then
      notify('the server returned no preview for ' .. change, vim.log.levels.ERROR)
      return
    end
    local name = ('openspec-preview-diff://%s/%s'):format(change, capability or 'all')
    local bufnr = show_scratch(name, table.concat(M.preview_diff_lines(result), '\n'))
    vim.bo[bufnr].filetype = 'diff'
    if on_done then
      on_done(bufnr, result)
    end
  end)
end

--- Completion for :OpenSpecPreview: change ids, then that change's capabilities.
function M.complete_preview(arg_lead, cmd_line)
  local root = current_root()
  if root == nil then
    return {}
  end
  local changes = M.list_changes(root)
  local words = vim.split(vim.trim(cmd_line), '%s+')
  local typing_new_word = cmd_line:match('%s$') ~= nil
  local index = #words - (typing_new_word and 0 or 1)
  local candidates
  if index <= 1 then
    candidates = vim.tbl_keys(changes)
  else
    candidates = changes[words[2]] or {}
  end
  table.sort(candidates)
  return vim.tbl_filter(function(candidate)
    return candidate:sub(1, #arg_lead) == arg_lead
  end, candidates)
end

return M
