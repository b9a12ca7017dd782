// STUB: being written (helper). Replaced by the real implementation.
import type { ModelKind } from '../types.js';
export function parseXmlDocument(_kind: ModelKind, _text: string, _file: string): unknown { throw new Error('XML reading not implemented yet'); }
