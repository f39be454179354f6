import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UnknownLab } from '../errors.js';
import type { AnyLab, ExerciseDefinition, Requirement } from './types.js';

/** Compiled labs live in dist/labs/NN-topic/; their READMEs stay in labs/NN-topic/. */
export const COMPILED_LABS_DIR = fileURLToPath(new URL('../../labs/', import.meta.url));
export const SOURCE_LABS_DIR = fileURLToPath(new URL('../../../labs/', import.meta.url));

export interface LoadedLab {
  lab: AnyLab;
  folder: string;
  compiledDir: string;
  readmePath: string;
  variantPath(variant: string): string;
  servicePath(service: string): string;
}

const FOLDER = /^(\d{2})-[a-z0-9-]+$/;

/** The folder a new lab is copied from (docs/writing-a-lab.md): a working lab of day 0. */
export const TEMPLATE_FOLDER = '_template';

/**
 * Every lab folder on disk, in day order. A folder is a lab; nothing else registers it. The
 * template is one only with DEVCAP_TEMPLATE_LAB=1 (`devcap lab template`, for its own test
 * and for whoever edits it); the manifest, `list` and `--help` never show it.
 */
export function labFolders(dir = COMPILED_LABS_DIR, withTemplate = process.env.DEVCAP_TEMPLATE_LAB === '1'): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && (FOLDER.test(entry.name) || (withTemplate && entry.name === TEMPLATE_FOLDER)) && existsSync(join(dir, entry.name, 'lab.js')))
    .map((entry) => entry.name)
    .sort();
}

export async function loadLab(folder: string, dir = COMPILED_LABS_DIR): Promise<LoadedLab> {
  const compiledDir = join(dir, folder);
  const module = (await import(pathToFileURL(join(compiledDir, 'lab.js')).href)) as { default: AnyLab };
  const lab = module.default;
  return {
    lab,
    folder,
    compiledDir,
    readmePath: join(SOURCE_LABS_DIR, folder, 'README.md'),
    variantPath: (variant) => join(compiledDir, lab.variants[variant]!.file),
    servicePath: (service) => join(compiledDir, lab.services![service]!.file),
  };
}

export async function loadAllLabs(dir = COMPILED_LABS_DIR): Promise<LoadedLab[]> {
  return Promise.all(labFolders(dir).map((folder) => loadLab(folder, dir)));
}

/**
 * The item whose lab `2`, `02` or `event-loop` names, among loaded labs or manifest entries.
 * Anything else is a usage error listing what exists.
 */
export function findLab<T>(items: T[], target: string, labOf: (item: T) => { day: number; slug: string }): T {
  const day = /^\d+$/.test(target) ? Number(target) : Number.NaN;
  const found = items.find((item) => labOf(item).day === day || labOf(item).slug === target);
  if (found) return found;
  const known = items.map((item) => `${labOf(item).day} (${labOf(item).slug})`).join(', ');
  throw new UnknownLab(`no lab "${target}"; labs: ${known}, or "all"`);
}

/** `2`, `02`, `event-loop` or `all`. */
export function selectLabs(all: LoadedLab[], target: string): LoadedLab[] {
  return target === 'all' ? all : [findLab(all, target, ({ lab }) => lab)];
}

/**
 * What the CLI shows of a lab without importing it: written at build time into
 * dist/labs/manifest.json (scripts/manifest.mjs), so `devcap --help` and `devcap list`
 * stay as quick as Node itself.
 */
export interface LabManifestEntry {
  folder: string;
  day: number;
  slug: string;
  title: string;
  claim: string;
  variants: Array<{ name: string; summary: string; requires: Requirement[] }>;
  claims: Array<{ id: string; kind: string; statement: string }>;
  params: Record<string, { default: number; min?: number; max?: number; summary: string }>;
  requires: Requirement[];
  /** The lab's exercise, when it has one (`devcap exercise` and `check` read it here). */
  exercise?: ExerciseDefinition<string, string>;
}

export function describeLab({ lab, folder }: LoadedLab): LabManifestEntry {
  const requires = new Set<Requirement>(lab.requires ?? []);
  for (const variant of Object.values(lab.variants)) for (const requirement of variant.requires ?? []) requires.add(requirement);
  return {
    folder,
    day: lab.day,
    slug: lab.slug,
    title: lab.title,
    claim: lab.claim,
    variants: Object.entries(lab.variants).map(([name, variant]) => ({ name, summary: variant.summary, requires: variant.requires ?? [] })),
    claims: lab.claims.map((claim) => ({ id: claim.id, kind: claim.kind, statement: claim.statement })),
    params: Object.fromEntries(
      Object.entries(lab.params ?? {}).map(([name, param]) => [name, { default: param.default, min: param.min, max: param.max, summary: param.summary }]),
    ),
    requires: [...requires],
    ...(lab.exercise ? { exercise: lab.exercise } : {}),
  };
}

/** The manifest the build wrote; falls back to importing every lab when it is missing (a build without the script). */
export async function readManifest(dir = COMPILED_LABS_DIR): Promise<LabManifestEntry[]> {
  const path = join(dir, 'manifest.json');
  if (!existsSync(path)) return (await loadAllLabs(dir)).map(describeLab);
  const entries = JSON.parse(readFileSync(path, 'utf8')) as LabManifestEntry[];
  // The manifest never holds the template (scripts/manifest.mjs); asked for, it is imported.
  if (labFolders(dir).includes(TEMPLATE_FOLDER)) entries.unshift(describeLab(await loadLab(TEMPLATE_FOLDER, dir)));
  return entries;
}
