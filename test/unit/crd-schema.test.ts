import { describe, expect, it } from 'vitest';
import { Type } from '@sinclair/typebox';
import { buildCrd, toOpenApi } from '../../src/api/schema.js';
import { hubCrdObjects } from '../../src/api/crds.js';

describe('toOpenApi', () => {
  it('turns literal unions into enums, records into additionalProperties and unknowns into preserved fields', () => {
    const s = toOpenApi(Type.Object({
      mode: Type.Union([Type.Literal('a'), Type.Literal('b')]),
      labels: Type.Optional(Type.Record(Type.String(), Type.String())),
      anything: Type.Unknown(),
    }));
    expect(s).toEqual({
      type: 'object', required: ['mode', 'anything'],
      properties: {
        mode: { type: 'string', enum: ['a', 'b'] },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        anything: { 'x-kubernetes-preserve-unknown-fields': true },
      },
    });
  });

  it('builds CRDs with a status subresource and no TypeBox keywords', () => {
    const json = JSON.stringify(hubCrdObjects());
    expect(json).not.toContain('$id');
    expect(json).not.toContain('patternProperties');
    const crd = buildCrd({ kind: 'Thing', plural: 'things', scope: 'Namespaced', spec: Type.Object({}), status: Type.Object({}) }) as { spec: { versions: Array<{ subresources: unknown }> } };
    expect(crd.spec.versions[0].subresources).toEqual({ status: {} });
  });
});
