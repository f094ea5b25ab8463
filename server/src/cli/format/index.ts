// The output formats of `gohazard scan`, by --format name.
import type { ScanReport } from '../report';
import { formatCodeClimate } from './codeclimate';
import { formatGithub } from './github';
import { formatJson } from './json';
import { formatSarif } from './sarif';
import { formatText } from './text';

export const scanFormats = {
  text: formatText,
  json: formatJson,
  sarif: formatSarif,
  github: formatGithub,
  codeclimate: formatCodeClimate,
} satisfies Record<string, (report: ScanReport) => string>;

export type ScanFormat = keyof typeof scanFormats;

export function isScanFormat(name: string): name is ScanFormat {
  return Object.hasOwn(scanFormats, name);
}
