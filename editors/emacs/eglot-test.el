;;; eglot-test.el --- The README's eglot snippet against the real server, in batch Emacs  -*- lexical-binding: t; -*-

;; Run by scripts/editors-test as
;;   emacs --batch -Q -l editors/emacs/eglot-test.el
;; with OPENSPEC_LSP_BIN set to the server. Evaluates the elisp block the README marks with
;; `emacs-eglot', opens a delta spec of a copy of examples/demo (outside git, so the project
;; comes from the snippet's `project-find-functions'), and checks diagnostics, a definition, a
;; completion and a code action. Prints one PASS/FAIL line per check and exits non-zero when
;; any check fails.

;;; Code:

(require 'package)
;; Debian's elpa-* packages (skipped by -Q with the rest of the site start-up).
(when (file-directory-p "/usr/share/emacs/site-lisp/elpa")
  (add-to-list 'package-directory-list "/usr/share/emacs/site-lisp/elpa"))
(package-initialize)
(require 'cl-lib)
(require 'subr-x)

(defvar openspec-test-repo
  (expand-file-name "../.." (file-name-directory (or load-file-name buffer-file-name))))
(defvar openspec-test-failures 0)
(defvar openspec-test-passes 0)
(defconst openspec-test-timeout 20)

(defun openspec-test-out (format-string &rest args)
  (princ (concat (apply #'format format-string args) "\n")))

(defmacro openspec-test-check (name &rest body)
  "Run BODY as the check NAME: PASS unless it signals."
  (declare (indent 1))
  `(condition-case err
       (progn ,@body
              (cl-incf openspec-test-passes)
              (openspec-test-out "PASS %s" ,name))
     (error (cl-incf openspec-test-failures)
            (openspec-test-out "FAIL %s\n  %S" ,name err))))

(defun openspec-test-wait (what predicate)
  "Wait until PREDICATE returns non-nil (and return it), or fail naming WHAT."
  (let ((deadline (+ (float-time) openspec-test-timeout))
        value)
    (while (and (not (setq value (funcall predicate))) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (or value (error "Timed out waiting for %s" what))))

(defun openspec-test-readme-snippet ()
  "The elisp block after the README's `emacs-eglot' marker."
  (with-temp-buffer
    (insert-file-contents (expand-file-name "README.md" openspec-test-repo))
    (goto-char (point-min))
    (search-forward "<!-- emacs-eglot")
    (search-forward "```elisp\n")
    (let ((start (point)))
      (search-forward "\n```")
      (buffer-substring-no-properties start (match-beginning 0)))))

(defun openspec-test-line (text)
  "Move to the start of the first line holding TEXT."
  (goto-char (point-min))
  (search-forward text)
  (beginning-of-line))

(let* ((bin (or (getenv "OPENSPEC_LSP_BIN")
                (expand-file-name "target/debug/openspec-lsp" openspec-test-repo)))
       (workspace (file-name-as-directory (make-temp-file "openspec-eglot-" t)))
       (delta (expand-file-name
               "openspec/changes/rework-notifications/specs/notifications/spec.md" workspace))
       (base (expand-file-name "openspec/specs/notifications/spec.md" workspace)))
  (copy-directory (expand-file-name "examples/demo/" openspec-test-repo) workspace nil t t)
  ;; A second base requirement starting with "Shipping", to complete after a typed space.
  (with-temp-buffer
    (insert "\n### Requirement: Shipping delays\nThe system SHALL tell customers about late parcels.\n\n"
            "#### Scenario: Late parcel\n- **WHEN** a parcel is late\n- **THEN** the customer gets an email\n")
    (append-to-file (point-min) (point-max) base))
  (setq exec-path (cons (file-name-directory bin) exec-path))
  (setq eglot-sync-connect t)
  (openspec-test-out "openspec eglot test: Emacs %s, eglot %s, server %s"
                     emacs-version
                     (if (boundp 'eglot--version) eglot--version "?")
                     bin)

  (openspec-test-check "the README snippet loads"
    (with-temp-buffer
      (insert (openspec-test-readme-snippet))
      (eval-buffer))
    (unless (equal (executable-find "openspec-lsp") bin)
      (error "openspec-lsp on exec-path is %S, not %S" (executable-find "openspec-lsp") bin)))

  (find-file delta)
  ;; eglot-ensure starts the server after the current command; batch Emacs runs no command loop.
  (run-hooks 'post-command-hook)

  (openspec-test-check "eglot starts one server rooted at the folder holding openspec/"
    (let ((server (openspec-test-wait "the eglot server" #'eglot-current-server)))
      (unless (equal (project-root (eglot--project server)) workspace)
        (error "Project root %S, not %S" (project-root (eglot--project server)) workspace))))

  (openspec-test-check "diagnostics arrive"
    (let ((codes (openspec-test-wait
                  "delta/scenario-loss among the diagnostics"
                  (lambda ()
                    (flymake-start nil t)
                    (let ((found (mapcar (lambda (diagnostic)
                                           (flymake-diagnostic-text diagnostic))
                                         (flymake-diagnostics))))
                      (and (cl-some (lambda (text) (string-match-p "scenario" text)) found)
                           found))))))
      (openspec-test-out "  %d diagnostics" (length codes))))

  (openspec-test-check "go to definition lands on the base requirement"
    (openspec-test-line "### Requirement: Shipping email")
    (forward-char 20)
    (let* ((xrefs (xref-backend-definitions 'eglot (xref-backend-identifier-at-point 'eglot)))
           (location (xref-item-location (car xrefs))))
      (unless (= (length xrefs) 1)
        (error "%d definitions" (length xrefs)))
      (unless (equal (xref-location-group location) base)
        (error "Definition in %S" (xref-location-group location)))))

  (openspec-test-check "completion offers the base names as plain text and inserts one whole"
    (openspec-test-line "## MODIFIED Requirements")
    (end-of-line)
    (insert "\n### Requirement: Shipping ")
    (let* ((capf (eglot-completion-at-point))
           (table (nth 2 capf))
           (exit (plist-get (nthcdr 3 capf) :exit-function))
           (candidates (all-completions "" table)))
      ;; After the space: the names starting with "Shipping " (the delta already has the other).
      (unless (equal candidates '("Shipping delays" "Shipping delays (copy current requirement)"))
        (error "Candidates: %S" candidates))
      (dolist (candidate candidates)
        (let ((item (get-text-property 0 'eglot--lsp-item candidate)))
          (when (eql (plist-get item :insertTextFormat) 2)
            (error "Snippet item for a client without snippets: %S" item))))
      ;; What completion-at-point does on accepting: insert the candidate, run the exit function.
      (let ((chosen (car candidates)))
        (delete-region (nth 0 capf) (point))
        (insert chosen)
        (funcall exit chosen 'finished))
      (let ((line (buffer-substring-no-properties (line-beginning-position) (line-end-position))))
        (unless (equal line "### Requirement: Shipping delays")
          (error "Inserted line %S" line))))
    (revert-buffer t t))

  (openspec-test-check "a code action applies, and none creates a file"
    (let* ((actions (eglot-code-actions (point-min) (point-max)))
           (titles (mapcar (lambda (action) (plist-get action :title)) actions))
           (before (buffer-string)))
      (when (null actions)
        (error "No code actions"))
      (when (cl-some (lambda (title) (string-prefix-p "Create" title)) titles)
        (error "An action that creates a file: %S" titles))
      (openspec-test-out "  %S" titles)
      (eglot--apply-workspace-edit (plist-get (car actions) :edit))
      (when (equal before (buffer-string))
        (error "The action changed nothing"))))

  (openspec-test-out "%d passed, %d failed" openspec-test-passes openspec-test-failures)
  (ignore-errors (eglot-shutdown (eglot-current-server)))
  (kill-emacs (if (> openspec-test-failures 0) 1 0)))

;;; eglot-test.el ends here
