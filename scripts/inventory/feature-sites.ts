// Where feature ids are named: every AI call's `feature`, and the ids the prompt registry declares.
import ts from 'typescript';
import { stringValue, unwrapExpression, type ProgramView } from './program-view';
import type { FeatureSite } from './types';

/** Every AI call in the file that names a feature, with the id when it is a literal. */
export function featureSites(view: ProgramView, sf: ts.SourceFile): FeatureSite[] {
  const file = view.rel(sf);
  const sites: FeatureSite[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const feature = view.featureProperty(node);
      if (feature) sites.push({ file, line: view.lineOf(feature), feature: stringValue(feature.initializer) });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return sites;
}

/** The ids of the registry's `PROMPT_REGISTRY` object, each with the line it is declared on. */
export function registeredFeatures(view: ProgramView, sf: ts.SourceFile): Map<string, number> {
  const features = new Map<string, number>();
  for (const statement of sf.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const decl of statement.declarationList.declarations) {
      if (decl.name.getText() !== 'PROMPT_REGISTRY' || !decl.initializer) continue;
      const literal = unwrapExpression(decl.initializer);
      if (!ts.isObjectLiteralExpression(literal)) continue;
      for (const property of literal.properties) {
        const name = property.name;
        if (name && (ts.isStringLiteral(name) || ts.isIdentifier(name))) features.set(name.text, view.lineOf(property));
      }
    }
  }
  return features;
}
