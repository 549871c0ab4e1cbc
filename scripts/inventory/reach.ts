// What a piece of code can reach: whether any call path from it gets to the AI client, and which feature ids
// the calls on the way name. Follows every call and function reference, closures included, across files.
import ts from 'typescript';
import { AI_CLIENT_FILE, AI_CLIENT_GETTERS, stringValue, type ProgramView } from './program-view';

export interface Reach {
  ai: boolean;
  features: Set<string>;
}

/** A memoised `reachOf(node)` over the project. */
export function createReach(view: ProgramView): (node: ts.Node) => Reach {
  const memo = new Map<ts.Node, Reach>();
  const inProgress = new Set<ts.Node>();

  const reachOf = (node: ts.Node): Reach => {
    const known = memo.get(node);
    if (known) return known;
    const reach: Reach = { ai: false, features: new Set() };
    if (inProgress.has(node)) return reach; // a cycle: the outer visit collects the rest
    inProgress.add(node);
    const visit = (child: ts.Node): void => {
      if (ts.isCallExpression(child)) {
        const feature = view.featureProperty(child);
        if (feature) {
          reach.ai = true;
          const id = stringValue(feature.initializer);
          if (id !== null) reach.features.add(id);
        }
      }
      if (ts.isIdentifier(child)) follow(child, node, reach);
      ts.forEachChild(child, visit);
    };
    ts.forEachChild(node, visit);
    inProgress.delete(node);
    memo.set(node, reach);
    return reach;
  };

  /** Adds what the code an identifier refers to can reach (unless it is inside the code being read). */
  const follow = (name: ts.Identifier, node: ts.Node, reach: Reach): void => {
    const decl = view.declarationOf(name);
    if (AI_CLIENT_GETTERS.some((getter) => view.isNamed(decl, AI_CLIENT_FILE, getter))) {
      reach.ai = true;
      return;
    }
    if (!decl || !view.isProjectFile(decl.getSourceFile()) || view.rel(decl.getSourceFile()) === AI_CLIENT_FILE) return;
    const body = ts.isVariableDeclaration(decl) ? decl.initializer : ts.isFunctionLike(decl) ? decl : undefined;
    if (!body || body === node || isAncestor(body, name)) return;
    const inner = reachOf(body);
    reach.ai ||= inner.ai;
    for (const id of inner.features) reach.features.add(id);
  };

  return reachOf;
}

function isAncestor(ancestor: ts.Node, node: ts.Node): boolean {
  return ts.findAncestor(node, (current) => current === ancestor) !== undefined;
}
