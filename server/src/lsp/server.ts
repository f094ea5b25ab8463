// LSP wiring: documents in, diagnostics and code actions out. Every decision is the engine's (and when
// to analyse, the scheduler's); this file translates between LSP and the engine and keeps one syntax
// tree per open Go document. Requests never wait for an analysis: they are answered from the last
// finished results, carried to the current text through the edits made since (engine/edits.ts).
// What depends on the platform (files, grammar, URIs, the go command, the workspace scan) comes from
// the ServerHost: Node (server/src/node/lspServer.ts) or a browser worker (server/src/browser/main.ts).
import {
  CodeAction,
  CodeActionKind,
  CodeActionParams,
  Connection,
  Diagnostic,
  DiagnosticSeverity,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  InitializeParams,
  InitializeResult,
  TextDocumentSyncKind,
  TextEdit as LspTextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisCache } from '../engine/analyzer';
import { ContentChange } from '../engine/document';
import { mapRange } from '../engine/edits';
import { topLevelOf } from '../engine/scope';
import { EngineConfig, parseEscapeScope, sanitizeRules } from '../engine/config';
import { GoDocument } from '../engine/document';
import { DEFAULT_MAX_FILE_BYTES, megabytesToBytes } from '../engine/limits';
import { globToRegExp, matchesAny } from '../engine/glob';
import { Project, ProjectHost } from '../engine/project';
import { Finding, Fix, Range, Severity } from '../engine/types';
import type { FileFacts } from '../engine/rule';
import { allRules } from '../rules';
import { basename, dirname, joinPath, normalizePath } from '../engine/paths';
import { isExcludedBy, PROJECT_CONFIG_NAME, ProjectConfig, ProjectConfigs, withProjectSettings } from '../engine/projectConfig';
import { fixAllEdits } from '../engine/fixes';
import { ServerHost, unrefTimer } from './host';
import { changesAtUpgrade, UpgradeService } from './upgrade';
import { ToolchainHints, TOOLCHAIN_CHANGED_NOTIFICATION } from './toolchain';
import { WorkspaceScan } from './workspaceScan';
import { AnalysisJob, AnalysisScheduler, JobOutcome, Urgency } from './scheduler';
import { AllocationsView } from './allocations';
import { ToolchainStatus, toolchainStatus } from '../toolchain/facts';
import { ruleDocUrl } from '../engine/ruleDocUrl';

export const FIX_ALL_KIND = 'source.fixAll.gohazard';
/** From the client when the user trusts the workspace: the server may run the go version probe. */
export const WORKSPACE_TRUSTED_NOTIFICATION = 'gohazard/workspaceTrusted';
/**
 * The server's counters: analyses started, completed and abandoned, syntax trees alive, open documents,
 * files of packages summarised and read from the cache.
 */
export const STATS_REQUEST = 'gohazard/stats';
/** A code action asked before a document's first results waits for them this long at most. */
const FIRST_RESULTS_WAIT_MS = 5000;

interface Settings {
  enable: boolean;
  engine: EngineConfig;
  exclude: RegExp[];
  goPath: string;
  toolchainCodeLens: boolean;
  /** Files above this many UTF-8 bytes are not parsed or analysed (0: no limit). */
  maxFileBytes: number;
}

interface OpenGoFile {
  uri: string;
  path: string;
  version: number;
  doc: GoDocument;
  cache: AnalysisCache;
  /** The last finished results, of an earlier version when edits came since. */
  results?: Results;
  /** The edits made since the results' version, in order (each in the coordinates of the text it changed). */
  editsSince: ContentChange[];
  /** Resolves when the document has results for the first time. */
  firstResults: Promise<void>;
  gotFirstResults: () => void;
  /** What the published diagnostics assumed about the installed toolchain: re-published when that changes. */
  toolchainStatus?: ToolchainStatus;
}

interface Results {
  version: number;
  /** False while facts of the package that rules asked for were loading: findings that need them are left out. */
  complete: boolean;
  findings: Finding[];
  /** The top-level declarations of that version, in order: a fix is offered while its declaration is untouched. */
  declarations: Range[];
}

const severities: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

const CONFIG_TIMEOUT_MS = 2000;
/** A load of package facts still running after this long is shown in the status item. */
const ANNOUNCE_LOADING_MS = 150;

export function startServer(connection: Connection, platform: ServerHost): void {
  const goFiles = new Map<string, OpenGoFile>();
  /** Open go.mod / go.work buffers: their unsaved text is what the user means. */
  const moduleFiles = new Map<string, TextDocument>();
  const settingsByUri = new Map<string, Promise<Settings>>();
  let project: Project | undefined;
  /** The .gohazard.json files, read on first use and again when one changes on disk. */
  let projectConfigs: ProjectConfigs | undefined;
  /** Configuration files whose problems were published, to clear them when the file goes away. */
  const publishedConfigs = new Set<string>();
  let canPullConfig = false;
  let canRegisterConfigChange = false;
  let canWatchFiles = false;
  let canWatchRelativePatterns = false;
  /** Profiles named by gohazard.profile, watched for changes. */
  const configuredProfiles = new Set<string>();
  let pushedSettings: unknown;
  let workspaceRoots: string[] = [];

  const host: ProjectHost = {
    readFile: (path) => {
      const open = moduleFiles.get(path);
      return open ? Promise.resolve(open.getText()) : platform.files.readFile(path);
    },
    listDirectory: (dir) => platform.files.listDirectory(dir),
    readBinaryFile: platform.files.readBinaryFile && ((path, maxBytes) => platform.files.readBinaryFile!(path, maxBytes)),
    gunzip: platform.files.gunzip,
  };
  const uriToPath = (uri: string) => platform.uriToPath(uri);

  const log = (message: string) => connection.console.log(message);
  const openText = (path: string): string | undefined => {
    const moduleFile = moduleFiles.get(path);
    if (moduleFile) return moduleFile.getText();
    for (const file of goFiles.values()) if (file.path === path) return file.doc.text;
    return undefined;
  };
  const upgrade = new UpgradeService(connection, () => project, openText, platform);
  upgrade.register(uriToPath);
  const hints = new ToolchainHints(
    connection,
    () => project,
    (uri) => goFiles.get(uri),
    (path) => host.readFile(path),
    platform,
    async (uri) => (await configFor(uri)).engine,
  );
  hints.register(async (uri) => (await settingsFor(uri)).toolchainCodeLens);
  const allocations = new AllocationsView(
    connection,
    (uri) => goFiles.get(uri),
    async (open, text, tree) => project!.facts(open.path, text, tree, (await configFor(platform.pathToUri(open.path))).engine),
    (uris) => {
      for (const file of goFiles.values()) if (uris === 'all' || uris.includes(file.uri)) scheduler.request(file.uri, 'now');
    },
  );
  allocations.register();
  connection.onHover(async (params) => (await hints.hover(params)) ?? (await allocations.hover(params)));
  const workspaceScan = new WorkspaceScan(
    connection,
    platform,
    () => project,
    () => workspaceRoots,
    async () => {
      const settings = await settingsFor(workspaceRoots[0] ? platform.pathToUri(workspaceRoots[0]) : '');
      // Scanned files' messages name the toolchain too: a scan waits for the probe as analyses do.
      await hints.whenProbed();
      return { config: settings.engine, exclude: settings.exclude, projectConfigs: projectConfigs! };
    },
    (path) => [...goFiles.values()].some((f) => f.path === path),
    (f, uri) => toDiagnostic(f, uri),
    log,
  );
  workspaceScan.register();
  /** Untrusted workspaces (VS Code restricted mode) are analysed, but gohazard runs no program for them. */
  let trusted = true;
  /** gohazard.maxFileSize as last read, for documents opened before their settings arrive. */
  let maxFileBytes = DEFAULT_MAX_FILE_BYTES;
  /** The go.mod syntax problems last reported per go.mod, so that each change is logged once. */
  const goModReports = new Map<string, string>();
  /** Directories whose package facts are loading (a load that takes a while), with its progress. */
  const packageLoads = new Map<string, { done: number; total: number }>();
  hints.packageFactsLoading = (path) => packageLoads.get(dirname(path));
  const scheduler = new AnalysisScheduler(
    {
      now: () => performance.now(),
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
      yieldToEventLoop: platform.yieldToEventLoop,
    },
    (uri, job) => analyse(uri, job),
  );

  connection.onInitialize(async (params: InitializeParams): Promise<InitializeResult> => {
    const started = Date.now();
    canPullConfig = params.capabilities.workspace?.configuration === true;
    canRegisterConfigChange = params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
    canWatchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    canWatchRelativePatterns = params.capabilities.workspace?.didChangeWatchedFiles?.relativePatternSupport === true;
    trusted = (params.initializationOptions as { trusted?: unknown } | undefined)?.trusted !== false;
    platform.setWorkspaceFolders?.(params.workspaceFolders?.length ? params.workspaceFolders.map((f) => f.uri) : params.rootUri ? [params.rootUri] : []);
    workspaceRoots = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri)).filter((p): p is string => p !== undefined);
    if (workspaceRoots.length === 0 && params.rootUri) {
      const root = uriToPath(params.rootUri);
      if (root) workspaceRoots = [root];
    }
    project = new Project(await platform.loadGrammar(params.initializationOptions), allRules, host, (rule, error) => log(`internal error in rule ${rule}: ${(error as Error)?.stack ?? error}`));
    project.packages.useStore(platform.summaryStore?.(workspaceRoots, log), { keysFindings: false });
    project.modules.onGoModRead = (goMod, problems) => void reportGoModProblems(goMod, problems);
    project.profiles.onLoad = (path, result) => log('error' in result ? `CPU profile ${path} cannot be used: ${result.error}` : `CPU profile ${path}: ${result.cpu.summary.functions} functions with samples`);
    // Before any document arrives: the first analyses must know whether to wait for the probe.
    if (!platform.probeToolchain) project.toolchain.unknownBecause = 'unavailable';
    else if (trusted) hints.expectProbe();
    else project.toolchain.unknownBecause = 'untrusted';
    projectConfigs = new ProjectConfigs(host, new Set(project.analyzer.docs.map((d) => d.id)), () => workspaceRoots);
    projectConfigs.onLoad = (config) => {
      if (config.settings.profile) watchConfiguredProfile(config.settings.profile);
      void publishConfigProblems(config);
    };
    log(`gohazard ${platform.version}: grammar loaded in ${Date.now() - started} ms`);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        hoverProvider: true,
        codeLensProvider: { resolveProvider: false },
      },
      serverInfo: { name: 'gohazard', version: platform.version },
    };
  });

  connection.onInitialized(() => {
    // What the first analysis would pay (the query's compile, the WebAssembly code's first runs) is
    // paid while the client gets its first document ready.
    guard('warm-up', () => project?.analyzer.warmUp());
    const registrationFailed = (error: unknown) => log(`client refused a registration: ${(error as Error)?.message ?? error}`);
    if (canRegisterConfigChange) connection.client.register(DidChangeConfigurationNotification.type, undefined).catch(registrationFailed);
    if (canWatchFiles) {
      connection.client
        .register(DidChangeWatchedFilesNotification.type, {
          watchers: [{ globPattern: '**/go.mod' }, { globPattern: '**/go.work' }, { globPattern: '**/*.pgo' }, { globPattern: `**/${PROJECT_CONFIG_NAME}` }],
        })
        .catch(registrationFailed);
    }
    if (!platform.probeToolchain) {
      log(`${platform.toolchainUnavailable ?? 'no program can run here'}: the installed Go toolchain stays unknown`);
    } else if (trusted) {
      probeToolchain();
    } else {
      log('workspace not trusted: gohazard analyses files but runs no program (the installed Go toolchain stays unknown)');
    }
  });

  // The user trusted the workspace after the server started (VS Code's "Trust" in restricted mode).
  connection.onNotification(WORKSPACE_TRUSTED_NOTIFICATION, () => {
    guard('workspaceTrusted', () => {
      if (trusted) return;
      trusted = true;
      log('workspace trusted: reading the installed Go toolchain version');
      if (platform.probeToolchain) {
        hints.expectProbe();
        probeToolchain();
      }
    });
  });

  /** Runs the probe hints.expectProbe() announced; files published with another assumption are published again. */
  function probeToolchain(): void {
    const probe = platform.probeToolchain!;
    void fetchSettings(undefined)
      .then((settings) => hints.probe(() => probe(settings.goPath), log))
      .then(() => {
        const status = project && toolchainStatus(project.toolchain);
        for (const file of goFiles.values()) if (file.toolchainStatus !== undefined && file.toolchainStatus !== status) scheduler.request(file.uri, 'now');
      });
  }

  connection.onDidChangeConfiguration((change) => {
    pushedSettings = (change.settings as { gohazard?: unknown } | undefined)?.gohazard;
    settingsByUri.clear();
    reanalyseAll();
    void connection.sendNotification(TOOLCHAIN_CHANGED_NOTIFICATION);
  });

  connection.onDidChangeWatchedFiles(({ changes }) => {
    if (!project) return;
    let modulesChanged = false;
    let profilesChanged = false;
    const configChanges: { path: string; uri: string; deleted: boolean }[] = [];
    const goDirs = new Set<string>();
    const changedGo: string[] = [];
    const deletedGo: string[] = [];
    for (const change of changes) {
      const path = uriToPath(change.uri);
      if (!path) continue;
      if (isModuleFile(path)) modulesChanged = true;
      else if (basename(path) === PROJECT_CONFIG_NAME) configChanges.push({ path, uri: change.uri, deleted: change.type === FileChangeType.Deleted });
      else if (path.endsWith('.pgo') || configuredProfiles.has(path)) {
        project.profiles.invalidate(path);
        profilesChanged = true;
      } else if (path.endsWith('.go')) {
        project.packages.invalidate(path);
        goDirs.add(dirname(path));
        (change.type === FileChangeType.Deleted ? deletedGo : changedGo).push(path);
      }
    }
    if (configChanges.length > 0) {
      projectConfigs?.invalidate();
      for (const { path, uri, deleted } of configChanges) {
        if (deleted) {
          if (publishedConfigs.delete(path)) void connection.sendDiagnostics({ uri, diagnostics: [] });
        } else {
          // Read now, so that its problems show even when no open Go file uses it.
          void projectConfigs?.load(path);
        }
      }
    }
    // A .gohazard.json may name another profile: the toolchain surfaces show which one applies.
    const everything = modulesChanged || profilesChanged || configChanges.length > 0;
    void (everything ? workspaceScan.rescanAll() : workspaceScan.rescan(changedGo, deletedGo)).catch((error) => log(`re-scan failed: ${(error as Error)?.message ?? error}`));
    if (modulesChanged) project.modules.invalidate();
    if (everything) void connection.sendNotification(TOOLCHAIN_CHANGED_NOTIFICATION);
    if (modulesChanged) upgrade.invalidate();
    else upgrade.goFilesChanged();
    for (const file of goFiles.values()) {
      if (everything || (project.packages.enabled && goDirs.has(dirname(file.path)))) scheduler.request(file.uri, 'background');
    }
  });

  connection.onDidOpenTextDocument(({ textDocument }) => {
    guard('didOpen', () => {
      const path = uriToPath(textDocument.uri);
      if (!path || !project) return;
      if (isModuleFile(path)) {
        moduleFiles.set(path, TextDocument.create(textDocument.uri, textDocument.languageId, textDocument.version, textDocument.text));
        moduleFilesChanged();
        return;
      }
      if (!path.endsWith('.go')) return;
      goFiles.get(textDocument.uri)?.doc.dispose();
      let gotFirstResults = () => {};
      const firstResults = new Promise<void>((resolve) => (gotFirstResults = resolve));
      const file: OpenGoFile = {
        uri: textDocument.uri,
        path,
        version: textDocument.version,
        // A file above the size limit keeps no tree (it would cost ~26 bytes of WASM memory per byte).
        doc: new GoDocument(project.grammar, textDocument.text, { maxBytes: maxFileBytes }),
        cache: new AnalysisCache(),
        editsSince: [],
        firstResults,
        gotFirstResults,
      };
      goFiles.set(textDocument.uri, file);
      setOverlay(file);
      scheduler.request(file.uri, 'now');
      reanalyseSiblings(file);
    });
  });

  connection.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
    guard('didChange', () => {
      const path = uriToPath(textDocument.uri);
      const moduleFile = path ? moduleFiles.get(path) : undefined;
      if (path && moduleFile) {
        moduleFiles.set(path, TextDocument.update(moduleFile, contentChanges, textDocument.version));
        moduleFilesChanged();
        return;
      }
      const file = goFiles.get(textDocument.uri);
      if (!file) return;
      if (textDocument.version !== null && textDocument.version < file.version) {
        log(`ignoring stale change to ${textDocument.uri} (version ${textDocument.version} < ${file.version})`);
        return;
      }
      const changes: ContentChange[] = contentChanges.map((c) => ('range' in c ? { range: c.range, text: c.text } : { text: c.text }));
      file.doc.update(changes);
      file.version = textDocument.version ?? file.version + 1;
      // A whole-text replacement touches everything: nothing earlier maps onto the new text.
      if (file.results) file.editsSince = changes.some((c) => !c.range) ? [{ text: '' }] : [...file.editsSince, ...changes];
      setOverlay(file);
      scheduler.request(file.uri, 'edit');
      reanalyseSiblings(file);
    });
  });

  connection.onDidCloseTextDocument(({ textDocument }) => {
    guard('didClose', () => {
      const path = uriToPath(textDocument.uri);
      if (path && moduleFiles.delete(path)) {
        moduleFilesChanged();
        return;
      }
      const file = goFiles.get(textDocument.uri);
      if (!file) return;
      file.doc.dispose();
      goFiles.delete(textDocument.uri);
      scheduler.forget(file.uri);
      project?.packages.setOverlay(file.path, undefined);
      project?.packages.invalidate(file.path);
      // Summaries of the package's files are kept while it has open files.
      if (![...goFiles.values()].some((f) => dirname(f.path) === dirname(file.path))) project?.packages.forgetDirectory(dirname(file.path));
      void connection.sendDiagnostics({ uri: textDocument.uri, diagnostics: [] });
      workspaceScan.fileClosed(file.path);
      reanalyseSiblings(file);
    });
  });

  connection.onCodeAction(async (params, token) => {
    let file = goFiles.get(params.textDocument.uri);
    if (!file || token.isCancellationRequested) return [];
    // Right after didOpen there are no results to answer from yet: those come first.
    if (!file.results) {
      await Promise.race([file.firstResults, new Promise((resolve) => unrefTimer(setTimeout(resolve, FIRST_RESULTS_WAIT_MS)))]);
      file = goFiles.get(params.textDocument.uri);
      if (!file || token.isCancellationRequested) return [];
    }
    const findings = currentFindings(file);
    const actions = codeActions(file, findings, params);
    const hazard = relevantFindings(findings, params).find(changesAtUpgrade);
    const action = hazard && (await upgrade.upgradeAction(file.path));
    if (action && !token.isCancellationRequested) actions.push(action);
    return actions;
  });

  connection.onRequest(STATS_REQUEST, () => ({
    analyses: scheduler.state(),
    liveTrees: GoDocument.liveTrees,
    scratchTrees: project?.packages.scratchTrees ?? 0,
    packageSummaries: project?.packages.summaryCounts,
    openDocuments: goFiles.size,
    memory: platform.memoryUsage?.(),
  }));

  connection.onShutdown(() => {
    for (const file of goFiles.values()) {
      file.doc.dispose();
      scheduler.forget(file.uri);
    }
    goFiles.clear();
    project?.packages.releaseScratch();
  });

  // A failure in one handler must never take the server down with every open file's diagnostics.
  platform.onUnhandledRejection((reason) => log(`unhandled rejection: ${(reason as Error)?.stack ?? reason}`));

  connection.listen();

  function guard(what: string, action: () => void): void {
    try {
      action();
    } catch (error) {
      log(`${what} failed: ${(error as Error)?.stack ?? error}`);
    }
  }

  function moduleFilesChanged(): void {
    upgrade.invalidate();
    void connection.sendNotification(TOOLCHAIN_CHANGED_NOTIFICATION);
    project?.modules.invalidate();
    reanalyseAll('edit');
  }

  /** Other open files of the same directory may depend on this one's package-level declarations. */
  function reanalyseSiblings(changed: OpenGoFile): void {
    if (!project?.packages.enabled) return;
    const dir = dirname(changed.path);
    for (const file of goFiles.values()) if (file !== changed && dirname(file.path) === dir) scheduler.request(file.uri, 'background');
  }

  /** The editor's text of an open file for the package index, with its live tree while the two agree. */
  function setOverlay(file: OpenGoFile): void {
    const doc = file.doc;
    const text = doc.text;
    project?.packages.setOverlay(file.path, text, () => (goFiles.get(file.uri) === file && doc.text === text && doc.isParsed ? doc.parsedTree.rootNode : undefined));
  }

  /** A broken go.mod: a line in the log and diagnostics on go.mod, each time what is wrong changes. */
  async function reportGoModProblems(goMod: string, problems: readonly string[]): Promise<void> {
    const key = problems.join('\n');
    if ((goModReports.get(goMod) ?? '') === key) return;
    goModReports.set(goMod, key);
    for (const p of problems) log(`${goMod.slice(0, -'go.mod'.length)}${p}`);
    const lines = ((await host.readFile(goMod)) ?? '').split('\n');
    const diagnostics: Diagnostic[] = problems.map((p) => {
      const line = Math.max(0, Number(/^go\.mod:(\d+):/.exec(p)?.[1] ?? 1) - 1);
      const range = { start: { line, character: 0 }, end: { line, character: (lines[line] ?? '').replace(/\r$/, '').length } };
      return { range, severity: DiagnosticSeverity.Warning, source: 'gohazard', message: p.replace(/^go\.mod:\d+: /, '') };
    });
    await connection.sendDiagnostics({ uri: platform.pathToUri(goMod), diagnostics });
  }

  /** A .gohazard.json's problems as diagnostics on it, at the key or value they are about. */
  async function publishConfigProblems(config: ProjectConfig): Promise<void> {
    for (const p of config.problems) log(`${config.path}:${p.range.start.line + 1}: ${p.message}`);
    if (config.problems.length === 0 && !publishedConfigs.has(config.path)) return;
    publishedConfigs.add(config.path);
    await connection.sendDiagnostics({
      uri: platform.pathToUri(config.path),
      diagnostics: config.problems.map((p) => ({ range: p.range, severity: p.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, source: 'gohazard', message: p.message })),
    });
  }

  function reanalyseAll(urgency: Urgency = 'now'): void {
    for (const file of goFiles.values()) scheduler.request(file.uri, urgency);
  }

  /**
   * One analysis of an open document's newest text, as the scheduler runs it: it stops at the first
   * checkpoint after a newer change (or a close), and publishes only results of the newest version.
   */
  async function analyse(uri: string, job: AnalysisJob): Promise<JobOutcome> {
    const file = goFiles.get(uri);
    if (!file || !project) return 'abandoned';
    upgrade.goFilesChanged();
    try {
      const { settings, projectConfig, engine } = await configFor(file.uri);
      if (job.stale) return 'abandoned';
      // The first analyses of a session wait for the go version probe (PROBE_WAIT_MS at most).
      await hints.whenProbed();
      if (job.stale) return 'abandoned';
      file.doc.setLimits({ maxBytes: settings.maxFileBytes });
      const doc = file.doc;
      // The reparse of the edits since the last analysis, in slices too (an unbalanced brace makes each
      // one cost tens of ms on a large file).
      while (!doc.parseSlice(() => job.sliceUsed())) {
        await job.pause();
        if (job.stale) return 'abandoned';
      }
      const text = doc.text;
      const version = file.version;
      const current = () => goFiles.get(file.uri) === file && doc.text === text && doc.isParsed && !doc.unparsedReason;
      const analysed = async (): Promise<{ findings: Finding[]; facts: FileFacts } | undefined> => {
        // Lazy: the facts of the package's other files are those loaded so far (see below).
        const facts = await project!.facts(file.path, text, () => (current() ? doc.parsedTree.rootNode : undefined), engine, true);
        if (job.stale || goFiles.get(uri) !== file || doc.text !== text) return undefined;
        let findings: Finding[] = [];
        if (settings.enable && !matchesAny(relativeToWorkspace(file.path), settings.exclude) && !(projectConfig && isExcludedBy(projectConfig, file.path))) {
          const config = allocations.shows(file.uri) ? { ...engine, escapeScope: 'all' as const } : engine;
          const steps = project!.analyzer.analysis(doc, facts, config, file.cache);
          try {
            for (let step = steps.next(); ; step = steps.next()) {
              if (step.done) {
                findings = step.value.findings;
                break;
              }
              if (job.sliceUsed()) {
                await job.pause();
                if (job.stale) return undefined;
              }
            }
          } finally {
            steps.return(undefined as never);
          }
        }
        return { findings, facts };
      };
      let result = await analysed();
      if (!result) return 'abandoned';
      // Facts of the package's other files that the rules asked for and that are not loaded yet: what
      // does not depend on them is published at once (the first time only: afterwards the results wait
      // for them, so that no finding goes and comes back), then they are loaded, in slices, and the
      // file analysed again (the declarations that read none of them come from the cache).
      for (let unloaded = result.facts.package?.unloaded() ?? []; unloaded.length > 0; unloaded = result.facts.package?.unloaded() ?? []) {
        if (!file.results?.complete) await publish(file, version, result.findings, result.facts, false);
        const loaded = await loadPackageFacts(file, text, unloaded, job);
        if (!loaded) return 'abandoned';
        result = await analysed();
        if (!result) return 'abandoned';
      }
      const { findings, facts } = result;
      await publish(file, version, findings, facts, true);
      // The probe answered while this analysis ran: what it published already says something else.
      if (facts.toolchainStatus !== toolchainStatus(project.toolchain)) scheduler.request(file.uri, 'now');
      return 'completed';
    } catch (error) {
      log(`analysis of ${file.uri} failed: ${(error as Error)?.stack ?? error}`);
      return 'abandoned';
    } finally {
      // Trees parsed for other files' details: their details stay cached.
      project.packages.releaseScratch();
    }
  }

  async function publish(file: OpenGoFile, version: number, findings: Finding[], facts: FileFacts, complete: boolean): Promise<void> {
    const doc = file.doc;
    const source = doc.sourceText;
    const declarations = doc.unparsedReason ? [] : topLevelOf(doc.parsedTree.rootNode).nodes.map((n) => ({ start: source.positionAt(n.startIndex), end: source.positionAt(n.endIndex) }));
    file.results = { version, complete, findings, declarations };
    file.editsSince = [];
    file.toolchainStatus = facts.toolchainStatus;
    file.gotFirstResults();
    // The impact of the upgrade (every file of the module, in slices) waits for the complete results.
    if (complete && findings.some(changesAtUpgrade)) void upgrade.prepare(file.path);
    await connection.sendDiagnostics({ uri: file.uri, version, diagnostics: findings.map((f) => toDiagnostic(f, file.uri)) });
  }

  /**
   * Summarises the other files of the file's package by these indexers, a file per step of the job;
   * false when the job went stale first (the files summarised stay). A long load shows in the status item.
   */
  async function loadPackageFacts(file: OpenGoFile, text: string, indexers: string[], job: AnalysisJob): Promise<boolean> {
    const dir = dirname(file.path);
    const progress = { done: 0, total: 0 };
    let announced = false;
    const announce = setTimeout(() => {
      announced = true;
      packageLoads.set(dir, progress);
      void connection.sendNotification(TOOLCHAIN_CHANGED_NOTIFICATION);
    }, ANNOUNCE_LOADING_MS);
    try {
      return await project!.packages.load(
        file.path,
        text,
        indexers,
        async () => {
          if (job.sliceUsed()) await job.pause();
          return !job.stale && goFiles.get(file.uri) === file;
        },
        (done, total) => Object.assign(progress, { done, total }),
      );
    } finally {
      clearTimeout(announce);
      if (announced && packageLoads.get(dir) === progress) {
        packageLoads.delete(dir);
        void connection.sendNotification(TOOLCHAIN_CHANGED_NOTIFICATION);
      }
    }
  }

  /**
   * The last results as they stand in the current text: findings whose declaration an edit touched
   * since are left out (their fixes were computed for a text that is gone); the others move with the
   * edits before them, and so do their fixes (a fix whose own edit was touched is dropped).
   */
  function currentFindings(file: OpenGoFile): Finding[] {
    const results = file.results;
    if (!results) return [];
    if (file.editsSince.length === 0) return results.findings;
    const out: Finding[] = [];
    let d = 0;
    for (const f of results.findings) {
      while (d + 1 < results.declarations.length && !before(f.range.start, results.declarations[d + 1].start)) d++;
      const declaration = results.declarations[d];
      const inside = declaration && !before(f.range.start, declaration.start) && !before(declaration.end, f.range.end);
      if (inside && !mapRange(declaration, file.editsSince)) continue;
      const range = mapRange(f.range, file.editsSince);
      if (!range) continue;
      const fixes: Fix[] = [];
      for (const fix of f.fixes) {
        const edits = fix.edits.map((e) => ({ range: mapRange(e.range, file.editsSince), newText: e.newText }));
        if (edits.every((e): e is { range: Range; newText: string } => e.range !== undefined)) fixes.push({ ...fix, edits });
      }
      out.push({ ...f, range, fixes });
    }
    return out;
  }

  /** A file's settings, its .gohazard.json, and the engine configuration of both (the user's settings winning). */
  async function configFor(uri: string): Promise<{ settings: Settings; projectConfig: ProjectConfig | undefined; engine: EngineConfig }> {
    const path = uriToPath(uri);
    const [settings, projectConfig] = await Promise.all([settingsFor(uri), path && projectConfigs ? projectConfigs.forDirectory(dirname(path)) : undefined]);
    return { settings, projectConfig, engine: withProjectSettings(settings.engine, projectConfig?.settings) };
  }

  function settingsFor(uri: string): Promise<Settings> {
    let pending = settingsByUri.get(uri);
    if (!pending) {
      pending = fetchSettings(uri);
      settingsByUri.set(uri, pending);
    }
    return pending;
  }

  async function fetchSettings(uri: string | undefined): Promise<Settings> {
    let raw: unknown = pushedSettings;
    if (canPullConfig) {
      // A client that never answers must not keep diagnostics from being published.
      const timeout = new Promise<undefined>((resolve) => unrefTimer(setTimeout(() => resolve(undefined), CONFIG_TIMEOUT_MS)));
      raw = (await Promise.race([connection.workspace.getConfiguration({ scopeUri: uri, section: 'gohazard' }).catch(() => undefined), timeout])) ?? pushedSettings;
    }
    return parseSettings(raw, uri);
  }

  function parseSettings(raw: unknown, uri: string | undefined): Settings {
    const obj = (raw && typeof raw === 'object' ? raw : {}) as { enable?: unknown; rules?: unknown; exclude?: unknown; escape?: { scope?: unknown }; goPath?: unknown; codeLens?: { toolchain?: unknown }; maxFileSize?: unknown; profile?: unknown };
    const { rules, problems } = sanitizeRules(obj.rules);
    for (const p of problems) log(`settings: ${p}`);
    const exclude = Array.isArray(obj.exclude) ? obj.exclude.filter((g): g is string => typeof g === 'string').map(globToRegExp) : [];
    // Unset (null, VS Code's default) leaves the escape scope to .gohazard.json.
    const escapeScope = parseEscapeScope(obj.escape?.scope);
    const goPath = typeof obj.goPath === 'string' && obj.goPath.trim() !== '' ? obj.goPath : 'go';
    maxFileBytes = typeof obj.maxFileSize === 'number' && obj.maxFileSize >= 0 ? megabytesToBytes(obj.maxFileSize) : DEFAULT_MAX_FILE_BYTES;
    const profilePath = typeof obj.profile === 'string' && obj.profile.trim() !== '' ? resolveProfileSetting(obj.profile.trim(), uri) : undefined;
    if (profilePath) watchConfiguredProfile(profilePath);
    return { enable: obj.enable !== false, engine: { rules, escapeScope, profilePath }, exclude, goPath, toolchainCodeLens: obj.codeLens?.toolchain !== false, maxFileBytes };
  }

  /** gohazard.profile: an absolute path, or one relative to the workspace folder of the file (else the first folder). */
  function resolveProfileSetting(setting: string, uri: string | undefined): string | undefined {
    const asPath = setting.replace(/\\/g, '/');
    if (asPath.startsWith('/') || /^[A-Za-z]:\//.test(asPath)) return asPath;
    const file = uri ? uriToPath(uri) : undefined;
    const root = (file && workspaceRoots.find((r) => file.startsWith(r.endsWith('/') ? r : `${r}/`))) ?? workspaceRoots[0];
    if (!root) {
      log(`settings: gohazard.profile "${setting}" is relative, and there is no workspace folder to resolve it against`);
      return undefined;
    }
    return normalizePath(joinPath(root, asPath));
  }

  /**
   * A configured profile outside the workspace, or not named *.pgo, is not under the **\/*.pgo
   * watcher: watch it on its own (LSP relative patterns reach outside the workspace folders).
   */
  function watchConfiguredProfile(path: string): void {
    if (configuredProfiles.has(path)) return;
    configuredProfiles.add(path);
    if (!canWatchFiles) return;
    const watcher = canWatchRelativePatterns
      ? { globPattern: { baseUri: platform.pathToUri(dirname(path)), pattern: path.slice(dirname(path).length + 1) } }
      : { globPattern: path };
    connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [watcher] }).catch((error: unknown) => log(`client refused to watch ${path}: ${(error as Error)?.message ?? error}`));
  }

  function relativeToWorkspace(path: string): string {
    for (const root of workspaceRoots) {
      if (path.startsWith(root.endsWith('/') ? root : `${root}/`)) return path.slice(root.length).replace(/^\//, '');
    }
    return path;
  }

  function toDiagnostic(f: Finding, uri: string): Diagnostic {
    return {
      range: f.range,
      severity: severities[f.severity],
      code: f.rule,
      codeDescription: { href: ruleDocUrl(f.rule) },
      source: 'gohazard',
      message: f.message,
      relatedInformation: f.related?.map((r) => ({ location: { uri, range: r.range }, message: r.message })),
      data: f.goVersion ? { goVersion: f.goVersion } : undefined,
    };
  }

  /** Findings a code action request is about. Neovim echoes context diagnostics with byte columns: match by line and code. */
  function relevantFindings(findings: Finding[], params: CodeActionParams): Finding[] {
    const only = params.context.only;
    if (only && !only.some((k) => CodeActionKind.QuickFix === k || CodeActionKind.QuickFix.startsWith(`${k}.`))) return [];
    const requested = params.context.diagnostics.map((d) => `${d.range.start.line}:${d.code}`);
    return findings.filter((f) => {
      const touches = f.range.start.line <= params.range.end.line && f.range.end.line >= params.range.start.line;
      return touches || requested.includes(`${f.range.start.line}:${f.rule}`);
    });
  }

  function codeActions(file: OpenGoFile, findings: Finding[], params: CodeActionParams): CodeAction[] {
    const only = params.context.only;
    const wants = (kind: string) => !only || only.some((k) => kind === k || kind.startsWith(`${k}.`));
    const actions: CodeAction[] = [];
    if (wants(CodeActionKind.QuickFix)) {
      for (const f of relevantFindings(findings, params)) {
        for (const fix of f.fixes) {
          actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [toDiagnostic(f, file.uri)], isPreferred: fix.preferred, edit: workspaceEdit(file.uri, fix, platform) });
        }
      }
    }
    if (wants(FIX_ALL_KIND)) {
      const edits = fixAllEdits(findings);
      if (edits.length > 0) actions.push({ title: 'Fix all gohazard hazards with safe fixes', kind: FIX_ALL_KIND, edit: { changes: { [file.uri]: edits.map(toLspEdit) } } });
    }
    return actions;
  }
}

function workspaceEdit(uri: string, fix: Fix, platform: ServerHost): WorkspaceEdit {
  const changes: Record<string, LspTextEdit[]> = { [uri]: fix.edits.map(toLspEdit) };
  for (const other of fix.otherFiles ?? []) changes[platform.pathToUri(other.path)] = other.edits.map(toLspEdit);
  return { changes };
}

function toLspEdit(e: { range: LspTextEdit['range']; newText: string }): LspTextEdit {
  return { range: e.range, newText: e.newText };
}

function before(a: { line: number; character: number }, b: { line: number; character: number }): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

function isModuleFile(path: string): boolean {
  return path.endsWith('/go.mod') || path.endsWith('/go.work');
}
