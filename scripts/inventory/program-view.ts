// The project as the TypeScript compiler sees it, with the few questions the inventory asks of it: is a file
// the project's own, which declaration does a name refer to, is it a given export of a given file, which
// feature does an AI call name.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export const AI_CLIENT_FILE = 'lib/ai/get-ai-client.ts';
export const REGISTRY_FILE = 'lib/ai/prompt-registry.ts';
export const SOURCE_CONTEXT_FILE = 'lib/telemetry/source-context.ts';
/** Methods of the AI client that take a `feature` id. */
const AI_METHODS = new Set(['create', 'count', 'stream', 'parse']);
/** The telemetry settings every Vercel AI SDK call of ours takes, naming its feature (lib/ai/ai-sdk-telemetry.ts). */
const AI_SDK_TELEMETRY = 'aiSdkTelemetry';
/** The functions of AI_CLIENT_FILE that hand out a client: code that reaches one of them reaches the provider. */
export const AI_CLIENT_GETTERS = ['getAIClient', 'getAISdkOpenAI'];

export interface ProgramView {
  program: ts.Program;
  checker: ts.TypeChecker;
  /** A file's path relative to the project root, with forward slashes. */
  rel(sf: ts.SourceFile): string;
  lineOf(node: ts.Node): number;
  isProjectFile(sf: ts.SourceFile): boolean;
  /** The declaration an identifier refers to, through import aliases. */
  declarationOf(node: ts.Node): ts.Declaration | undefined;
  /** Whether `decl` is the function or const `name` of `file`. */
  isNamed(decl: ts.Declaration | undefined, file: string, name: string): boolean;
  /**
   * `x.y.create({ feature: ... })` on our client, or `aiSdkTelemetry({ feature: ... })` for a Vercel AI SDK
   * call: the feature property, or undefined when the call names none.
   */
  featureProperty(call: ts.CallExpression): ts.PropertyAssignment | undefined;
  /** The code behind an export: a function declaration, or a const's initializer. */
  exportedCode(symbol: ts.Symbol): ts.Node | undefined;
}

/** Compiles the project at `root` (which holds tsconfig.json, app/, lib/ and optionally scripts/jobs/). */
export function createProgramView(root: string): ProgramView {
  const program = ts.createProgram({ rootNames: listRootFiles(root), options: compilerOptions(root) });
  const checker = program.getTypeChecker();
  const rel = (sf: ts.SourceFile): string => path.relative(root, sf.fileName).split(path.sep).join('/');
  return {
    program,
    checker,
    rel,
    lineOf: (node) => node.getSourceFile().getLineAndCharacterOfPosition(node.getStart()).line + 1,
    isProjectFile: (sf) =>
      !sf.isDeclarationFile && !program.isSourceFileFromExternalLibrary(sf) && !rel(sf).startsWith('..'),
    declarationOf(node) {
      let symbol = checker.getSymbolAtLocation(node);
      if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
      return symbol?.declarations?.[0];
    },
    isNamed: (decl, file, name) =>
      decl !== undefined &&
      rel(decl.getSourceFile()) === file &&
      (ts.isFunctionDeclaration(decl) || ts.isVariableDeclaration(decl)) &&
      decl.name?.getText() === name,
    featureProperty(call) {
      const aiMethod = ts.isPropertyAccessExpression(call.expression) && AI_METHODS.has(call.expression.name.text);
      const aiSdk = ts.isIdentifier(call.expression) && call.expression.text === AI_SDK_TELEMETRY;
      if (!aiMethod && !aiSdk) return undefined;
      const arg = call.arguments[0];
      if (!arg || !ts.isObjectLiteralExpression(arg)) return undefined;
      return arg.properties.find(
        (p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText() === 'feature',
      );
    },
    exportedCode(symbol) {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      const decl = target.declarations?.[0];
      if (!decl) return undefined;
      if (ts.isFunctionDeclaration(decl)) return decl;
      if (ts.isVariableDeclaration(decl) && decl.initializer) return decl.initializer;
      return undefined;
    },
  };
}

/** A string literal's text; null for anything else. */
export function stringValue(node: ts.Node | undefined): string | null {
  if (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))) return node.text;
  return null;
}

/** `x as T`, `x satisfies T` and `(x)`, down to `x`. */
export function unwrapExpression(node: ts.Expression): ts.Expression {
  let current = node;
  while (ts.isAsExpression(current) || ts.isSatisfiesExpression(current) || ts.isParenthesizedExpression(current)) {
    current = current.expression;
  }
  return current;
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
