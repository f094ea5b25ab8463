// The analysis service that the CLI, the language server and the tests share: one grammar, one
// analyzer, and the go.mod knowledge and CPU profiles of the files it has seen.
import type { Node } from 'web-tree-sitter';
import { Analyzer, AnalysisCache, AnalysisResult, RuleErrorHandler } from './analyzer';
import { EngineConfig } from './config';
import { GoDocument } from './document';
import { GoGrammar } from './grammar';
import { ParseClock, wallClock } from './limits';
import { IndexHost, PackageIndex } from './packageIndex';
import { ProfileHost, ProfileStore } from './profile/store';
import type { FileFacts, Rule } from './rule';
import { resolveFileFacts, resolveProfile, ToolchainKnowledge } from '../toolchain/facts';
import { ModuleResolver } from '../toolchain/moduleResolver';
import { findBuildConstraint } from '../toolchain/buildConstraint';
import { ToolchainReport, toolchainReport } from '../toolchain/report';

/** Files (text and, for CPU profiles, bytes) and decompression, from the platform. */
export type ProjectHost = IndexHost & ProfileHost;

/** Resolves a file's facts other than its package view. */
export interface FactsWithoutPackage {
  factsWithoutPackage(path: string, text: string, config?: Pick<EngineConfig, 'profilePath'>): Promise<FileFacts>;
}

/**
 * What a file's facts come from without parsing: go.mod files, CPU profiles, the toolchain. A scan that
 * analyses on worker threads needs no grammar in its own thread (a parser's WebAssembly memory is
 * about 30 MB per thread).
 */
export class FactsContext implements FactsWithoutPackage {
  readonly modules: ModuleResolver;
  readonly profiles: ProfileStore;
  readonly toolchain: ToolchainKnowledge = {};

  constructor(host: ProjectHost) {
    this.modules = new ModuleResolver(host);
    this.profiles = new ProfileStore(host);
  }

  factsWithoutPackage(path: string, text: string, config?: Pick<EngineConfig, 'profilePath'>): Promise<FileFacts> {
    return resolveFileFacts(path, text, this, undefined, config?.profilePath);
  }
}

export class Project implements FactsWithoutPackage {
  readonly analyzer: Analyzer;
  readonly modules: ModuleResolver;
  readonly packages: PackageIndex;
  readonly profiles: ProfileStore;
  readonly toolchain: ToolchainKnowledge = {};

  constructor(
    readonly grammar: GoGrammar,
    rules: readonly Rule[],
    host: ProjectHost,
    onRuleError?: RuleErrorHandler,
    /** What the parse budget of every file it parses is measured on (limits.ts ParseClock). */
    readonly parseClock: ParseClock = wallClock,
  ) {
    this.analyzer = new Analyzer(grammar, rules, onRuleError);
    this.modules = new ModuleResolver(host);
    this.packages = new PackageIndex(grammar, host, rules.flatMap((r) => (r.indexer ? [r.indexer] : [])), onRuleError, parseClock);
    this.profiles = new ProfileStore(host);
  }

  /**
   * ownTree, lazyPackage: see PackageIndex.viewFor (an editor's view is lazy: it loads the package's
   * facts with PackageIndex.load). `config.profilePath`: the configured CPU profile, if any.
   */
  facts(path: string, text: string, ownTree?: () => Node | undefined, config?: Pick<EngineConfig, 'profilePath'>, lazyPackage = false): Promise<FileFacts> {
    return resolveFileFacts(path, text, this, ownTree, config?.profilePath, lazyPackage);
  }

  /** The facts without the package view, which costs the summaries of the package's other files. */
  factsWithoutPackage(path: string, text: string, config?: Pick<EngineConfig, 'profilePath'>): Promise<FileFacts> {
    return resolveFileFacts(path, text, { modules: this.modules, profiles: this.profiles, toolchain: this.toolchain }, undefined, config?.profilePath);
  }

  /** The file's Go version, where it comes from, how it relates to the installed toolchain, and its CPU profile. */
  async toolchainReport(path: string, text: string, config?: Pick<EngineConfig, 'profilePath'>): Promise<ToolchainReport> {
    // A report reads no other file of the package: an editor asks for one on every hover and code lens.
    const sources = { modules: this.modules, profiles: this.profiles, toolchain: this.toolchain };
    const [facts, module] = await Promise.all([resolveFileFacts(path, text, sources, undefined, config?.profilePath), this.modules.moduleFor(path)]);
    const profile = await resolveProfile(path, module, this.profiles, config?.profilePath);
    const constraint = findBuildConstraint(text);
    const directive =
      facts.versionSource.kind === 'go.mod' ? (module?.facts.go ? `go ${module.facts.go.value}` : undefined) : facts.versionSource.kind === 'go:build' && constraint ? `//go:build ${constraint.expression}` : undefined;
    return toolchainReport(facts, module, directive, this.toolchain.installedVersion, profile);
  }

  /** Analyses a text once, from scratch; the tree is freed before returning. */
  async analyzeText(path: string, text: string, config: EngineConfig): Promise<AnalysisResult> {
    return this.analyzeWithFacts(text, await this.facts(path, text, undefined, config), config);
  }

  /** A document of the text, parsed on this project's clock; whoever creates it disposes it. */
  newDocument(text: string): GoDocument {
    return new GoDocument(this.grammar, text, { clock: this.parseClock });
  }

  analyzeWithFacts(text: string, facts: FileFacts, config: EngineConfig): AnalysisResult {
    const doc = this.newDocument(text);
    try {
      return this.analyzer.analyze(doc, facts, config, new AnalysisCache());
    } finally {
      doc.dispose();
    }
  }
}
