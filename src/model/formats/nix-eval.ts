// STUB: being written (helper).
import type { ModelKind } from '../types.js';
export interface NixEvalOptions { extraParams?: string; showTrace?: boolean; infrastructureJSON?: string; defaultTargetProperty?: string }
export async function evalNixModel(_kind: ModelKind, _file: string, _options?: NixEvalOptions): Promise<unknown> { throw new Error('Nix not implemented yet'); }
export async function evalNixExpression(_expr: string, _options?: NixEvalOptions): Promise<unknown> { throw new Error('Nix not implemented yet'); }
