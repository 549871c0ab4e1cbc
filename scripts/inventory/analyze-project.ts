// Reads a Next.js project with the TypeScript compiler API and finds the entry points (routes, cron routes,
// server actions, jobs) whose code can reach the OpenAI client, following imports and calls.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { routeTemplate } from './route-template';
import type { Analysis, EntryKind, FeatureSite, InventoryEntry, Problem } from './types';

const AI_CLIENT_FILE = 'lib/ai/get-ai-client.ts';
const REGISTRY_FILE = 'lib/ai/prompt-registry.ts';
const SOURCE_CONTEXT_FILE = 'lib/telemetry/source-context.ts';
const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
/** Methods of the AI client that take a `feature` id. */
const AI_METHODS = new Set(['create', 'count', 'stream', 'parse']);

interface Reach {
  ai: boolean;
  features: Set<string>;
}

/** Entry-point candidates: everything under app/ and lib/ (server actions may live in either), and jobs. */
function listRootFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    if (!fs.existsSync(dir)) return;
    for (const name of fs.readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (fs.statSync(full).isDirectory()) walk(full);
      else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) && !name.endsWith('.d.ts')) files.push(full);
    }
  };
  walk(path.join(root, 'app'));
  walk(path.join(root, 'lib'));
  walk(path.join(root, 'scripts', 'jobs'));
  return files;
}

function compilerOptions(root: string): ts.CompilerOptions {
  const configPath = path.join(root, 'tsconfig.json');
  const read = ts.readConfigFile(configPath, (file) => ts.sys.readFile(file));
  if (read.error)
    throw new Error(`cannot read ${configPath}: ${ts.flattenDiagnosticMessageText(read.error.messageText, '\n')}`);
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root);
  return { ...parsed.options, noEmit: true, incremental: false, tsBuildInfoFile: undefined };
}

function hasUseServer(sf: ts.SourceFile): boolean {
  for (const statement of sf.statements) {
    if (!ts.isExpressionStatement(statement) || !ts.isStringLiteral(statement.expression)) return false;
    if (statement.expression.text === 'use server') return true;
  }
  return false;
}

function stringValue(node: ts.Node | undefined): string | null {
  if (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))) return node.text;
  return null;
}

function unwrapExpression(node: ts.Expression): ts.Expression {
  let current = node;
  while (ts.isAsExpression(current) || ts.isSatisfiesExpression(current) || ts.isParenthesizedExpression(current)) {
    current = current.expression;
  }
  return current;
}

/** Analyses the project at `root` (which holds tsconfig.json, app/, lib/ and optionally scripts/jobs/). */
export function analyzeProject(root: string): Analysis {
  const program = ts.createProgram({ rootNames: listRootFiles(root), options: compilerOptions(root) });
  const checker = program.getTypeChecker();
  const rel = (sf: ts.SourceFile): string => path.relative(root, sf.fileName).split(path.sep).join('/');
  const lineOf = (node: ts.Node): number =>
    node.getSourceFile().getLineAndCharacterOfPosition(node.getStart()).line + 1;
  const isProjectFile = (sf: ts.SourceFile): boolean =>
    !sf.isDeclarationFile && !program.isSourceFileFromExternalLibrary(sf) && !rel(sf).startsWith('..');

  /** The declaration an identifier refers to, through import aliases. */
  const declarationOf = (node: ts.Node): ts.Declaration | undefined => {
    let symbol = checker.getSymbolAtLocation(node);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    return symbol?.declarations?.[0];
  };
  const isNamed = (decl: ts.Declaration | undefined, file: string, name: string): boolean =>
    decl !== undefined &&
    rel(decl.getSourceFile()) === file &&
    (ts.isFunctionDeclaration(decl) || ts.isVariableDeclaration(decl)) &&
    decl.name?.getText() === name;

  /** `x.y.create({ feature: ... })`: the feature property, or undefined when the call names none. */
  const featureProperty = (call: ts.CallExpression): ts.PropertyAssignment | undefined => {
    if (!ts.isPropertyAccessExpression(call.expression) || !AI_METHODS.has(call.expression.name.text)) return undefined;
    const arg = call.arguments[0];
    if (!arg || !ts.isObjectLiteralExpression(arg)) return undefined;
    return arg.properties.find(
      (p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText() === 'feature',
    );
  };

  const memo = new Map<ts.Node, Reach>();
  const inProgress = new Set<ts.Node>();

  /** What a piece of code can reach: every call and function reference inside it, closures included. */
  const reachOf = (node: ts.Node): Reach => {
    const known = memo.get(node);
    if (known) return known;
    const reach: Reach = { ai: false, features: new Set() };
    if (inProgress.has(node)) return reach; // a cycle: the outer visit collects the rest
    inProgress.add(node);
    const visit = (child: ts.Node): void => {
      if (ts.isCallExpression(child)) {
        const feature = featureProperty(child);
        if (feature) {
          reach.ai = true;
          const id = stringValue(feature.initializer);
          if (id !== null) reach.features.add(id);
        }
      }
      if (ts.isIdentifier(child)) {
        const decl = declarationOf(child);
        if (isNamed(decl, AI_CLIENT_FILE, 'getAIClient')) reach.ai = true;
        else if (decl && isProjectFile(decl.getSourceFile()) && rel(decl.getSourceFile()) !== AI_CLIENT_FILE) {
          const body = ts.isVariableDeclaration(decl) ? decl.initializer : ts.isFunctionLike(decl) ? decl : undefined;
          if (body && body !== node && !isAncestor(body, child)) {
            const inner = reachOf(body);
            reach.ai ||= inner.ai;
            for (const id of inner.features) reach.features.add(id);
          }
        }
      }
      ts.forEachChild(child, visit);
    };
    ts.forEachChild(node, visit);
    inProgress.delete(node);
    memo.set(node, reach);
    return reach;
  };

  const entries: InventoryEntry[] = [];
  const problems: Problem[] = [];
  const sites: FeatureSite[] = [];
  const features = new Map<string, number>();
  const add = (kind: EntryKind, file: string, name: string, source: string | null, reach: Reach): void => {
    entries.push({ kind, file, export: name, source, features: [...reach.features].sort() });
  };

  for (const sf of program.getSourceFiles()) {
    if (!isProjectFile(sf)) continue;
    const file = rel(sf);
    collectSites(sf, file);
    if (file === REGISTRY_FILE) readRegistry(sf);
    const moduleSymbol = checker.getSymbolAtLocation(sf);
    const exports = moduleSymbol ? checker.getExportsOfModule(moduleSymbol) : [];

    if (/^app\/(.*\/)?route\.tsx?$/.test(file)) {
      const template = routeTemplate(file);
      const kind = template.startsWith('/api/cron/') ? 'cron' : 'route';
      for (const symbol of exports) {
        if (!HTTP_METHODS.includes(symbol.name)) continue;
        const decl = exportedCode(symbol);
        const reach = decl ? reachOf(decl) : undefined;
        if (reach?.ai) add(kind, file, symbol.name, template, reach);
      }
    } else if (hasUseServer(sf)) {
      for (const symbol of exports) {
        const decl = exportedCode(symbol);
        if (!decl) continue;
        const reach = reachOf(decl);
        if (!reach.ai) continue;
        const id = aiActionId(decl);
        if (id === undefined) {
          problems.push({
            file,
            line: lineOf(decl),
            message: `server action '${symbol.name}' reaches OpenAI but is not wrapped in aiAction, so its calls are recorded without a source`,
            fix: `wrap it: export const ${symbol.name} = aiAction('<id>', async (...) => ...)`,
          });
        } else if (id === null) {
          problems.push({
            file,
            line: lineOf(decl),
            message: `server action '${symbol.name}' passes a non-literal id to aiAction`,
            fix: `pass the id as a string literal: aiAction('<id>', async (...) => ...)`,
          });
        }
        add('action', file, symbol.name, typeof id === 'string' ? `action:${id}` : null, reach);
      }
    } else if (/^scripts\/jobs\/[^/]+\.ts$/.test(file)) {
      const jobs = aiJobCalls(sf);
      for (const call of jobs) {
        const id = stringValue(call.arguments[0]);
        if (id === null) {
          problems.push({
            file,
            line: lineOf(call),
            message: 'aiJob is called with a non-literal id',
            fix: `pass the id as a string literal: aiJob('<id>', async () => ...)`,
          });
        }
        const reach = reachOf(call);
        if (reach.ai) add('job', file, 'aiJob', id === null ? null : `job:${id}`, reach);
      }
      const reach = reachOf(sf);
      if (jobs.length === 0 && reach.ai) {
        problems.push({
          file,
          line: 1,
          message: 'job reaches OpenAI but never calls aiJob, so its calls are recorded without a source',
          fix: `wrap its work: await aiJob('<id>', async () => ...)`,
        });
        add('job', file, 'aiJob', null, reach);
      }
    }
  }

  /** The code behind an export: a function declaration, or a const's initializer. */
  function exportedCode(symbol: ts.Symbol): ts.Node | undefined {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    const decl = target.declarations?.[0];
    if (!decl) return undefined;
    if (ts.isFunctionDeclaration(decl)) return decl;
    if (ts.isVariableDeclaration(decl) && decl.initializer) return decl.initializer;
    return undefined;
  }

  /** The id of `aiAction('<id>', fn)`: a string, `null` for a non-literal id, undefined when not wrapped. */
  function aiActionId(node: ts.Node): string | null | undefined {
    if (!ts.isCallExpression(node) || !isNamed(declarationOf(node.expression), SOURCE_CONTEXT_FILE, 'aiAction')) {
      return undefined;
    }
    return stringValue(node.arguments[0]);
  }

  function aiJobCalls(sf: ts.SourceFile): ts.CallExpression[] {
    const calls: ts.CallExpression[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && isNamed(declarationOf(node.expression), SOURCE_CONTEXT_FILE, 'aiJob')) {
        calls.push(node);
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
    return calls;
  }

  function collectSites(sf: ts.SourceFile, file: string): void {
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const feature = featureProperty(node);
        if (feature) sites.push({ file, line: lineOf(feature), feature: stringValue(feature.initializer) });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }

  function readRegistry(sf: ts.SourceFile): void {
    for (const statement of sf.statements) {
      if (!ts.isVariableStatement(statement)) continue;
      for (const decl of statement.declarationList.declarations) {
        if (decl.name.getText() !== 'PROMPT_REGISTRY' || !decl.initializer) continue;
        const literal = unwrapExpression(decl.initializer);
        if (!ts.isObjectLiteralExpression(literal)) continue;
        for (const property of literal.properties) {
          const name = property.name;
          if (name && (ts.isStringLiteral(name) || ts.isIdentifier(name))) features.set(name.text, lineOf(property));
        }
      }
    }
  }

  for (const site of sites) {
    if (site.feature === null) {
      problems.push({
        file: site.file,
        line: site.line,
        message: 'feature id is not a literal',
        fix: `write the id as a string literal (feature: 'email.sentiment') so the inventory can read it`,
      });
    }
  }

  const registeredFeatures = [...features.keys()].sort();
  const used = new Set(sites.map((site) => site.feature));
  return {
    inventory: {
      entries: entries.sort(compareEntries),
      registeredFeatures,
      unusedFeatures: registeredFeatures.filter((id) => !used.has(id)),
    },
    problems,
    sites,
    registry: { file: REGISTRY_FILE, features },
  };
}

function isAncestor(ancestor: ts.Node, node: ts.Node): boolean {
  return ts.findAncestor(node, (current) => current === ancestor) !== undefined;
}

function compareEntries(a: InventoryEntry, b: InventoryEntry): number {
  return a.file.localeCompare(b.file) || a.export.localeCompare(b.export);
}
