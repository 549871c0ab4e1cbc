// The entry points of one file that reach OpenAI, by kind: a route's HTTP methods, a `'use server'` file's
// actions, a job script's `aiJob` calls. Each comes with the source its calls are recorded under, and the
// problems that leave calls without one.
import ts from 'typescript';
import { createReach, type Reach } from './reach';
import { routeTemplate } from './route-template';
import { SOURCE_CONTEXT_FILE, stringValue, type ProgramView } from './program-view';
import type { EntryKind, InventoryEntry, Problem } from './types';

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

export interface EntryPoints {
  entries: InventoryEntry[];
  problems: Problem[];
}

/** Finds the entry points of each file it is given, with one reachability memo for the whole project. */
export function createEntryPointFinder(view: ProgramView): (sf: ts.SourceFile) => EntryPoints {
  const reachOf = createReach(view);
  return (sf) => {
    const file = view.rel(sf);
    const found: EntryPoints = { entries: [], problems: [] };
    const add = (kind: EntryKind, name: string, source: string | null, reach: Reach): void => {
      found.entries.push({ kind, file, export: name, source, features: [...reach.features].sort() });
    };
    const problem = (node: ts.Node | undefined, message: string, fix: string): void => {
      found.problems.push({ file, line: node ? view.lineOf(node) : 1, message, fix });
    };
    const moduleSymbol = view.checker.getSymbolAtLocation(sf);
    const exports = moduleSymbol ? view.checker.getExportsOfModule(moduleSymbol) : [];

    if (/^app\/(.*\/)?route\.tsx?$/.test(file)) {
      const template = routeTemplate(file);
      const kind = template.startsWith('/api/cron/') ? 'cron' : 'route';
      for (const symbol of exports) {
        if (!HTTP_METHODS.includes(symbol.name)) continue;
        const decl = view.exportedCode(symbol);
        const reach = decl ? reachOf(decl) : undefined;
        if (reach?.ai) add(kind, symbol.name, template, reach);
      }
    } else if (hasUseServer(sf)) {
      for (const symbol of exports) {
        const decl = view.exportedCode(symbol);
        if (!decl) continue;
        const reach = reachOf(decl);
        if (!reach.ai) continue;
        const id = aiActionId(view, decl);
        if (id === undefined) {
          problem(
            decl,
            `server action '${symbol.name}' reaches OpenAI but is not wrapped in aiAction, so its calls are recorded without a source`,
            `wrap it: export const ${symbol.name} = aiAction('<id>', async (...) => ...)`,
          );
        } else if (id === null) {
          problem(
            decl,
            `server action '${symbol.name}' passes a non-literal id to aiAction`,
            `pass the id as a string literal: aiAction('<id>', async (...) => ...)`,
          );
        }
        add('action', symbol.name, typeof id === 'string' ? `action:${id}` : null, reach);
      }
    } else if (/^scripts\/jobs\/[^/]+\.ts$/.test(file)) {
      const jobs = aiJobCalls(view, sf);
      for (const call of jobs) {
        const id = stringValue(call.arguments[0]);
        if (id === null) {
          problem(
            call,
            'aiJob is called with a non-literal id',
            `pass the id as a string literal: aiJob('<id>', async () => ...)`,
          );
        }
        const reach = reachOf(call);
        if (reach.ai) add('job', 'aiJob', id === null ? null : `job:${id}`, reach);
      }
      const reach = reachOf(sf);
      if (jobs.length === 0 && reach.ai) {
        problem(
          undefined,
          'job reaches OpenAI but never calls aiJob, so its calls are recorded without a source',
          `wrap its work: await aiJob('<id>', async () => ...)`,
        );
        add('job', 'aiJob', null, reach);
      }
    }
    return found;
  };
}

function hasUseServer(sf: ts.SourceFile): boolean {
  for (const statement of sf.statements) {
    if (!ts.isExpressionStatement(statement) || !ts.isStringLiteral(statement.expression)) return false;
    if (statement.expression.text === 'use server') return true;
  }
  return false;
}

/** The id of `aiAction('<id>', fn)`: a string, `null` for a non-literal id, undefined when not wrapped. */
function aiActionId(view: ProgramView, node: ts.Node): string | null | undefined {
  if (
    !ts.isCallExpression(node) ||
    !view.isNamed(view.declarationOf(node.expression), SOURCE_CONTEXT_FILE, 'aiAction')
  ) {
    return undefined;
  }
  return stringValue(node.arguments[0]);
}

function aiJobCalls(view: ProgramView, sf: ts.SourceFile): ts.CallExpression[] {
  const calls: ts.CallExpression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && view.isNamed(view.declarationOf(node.expression), SOURCE_CONTEXT_FILE, 'aiJob')) {
      calls.push(node);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return calls;
}
