#!/usr/bin/env node
/**
 * The `tfjs-param-monitor` command: read a parameter history after training, or convert it to
 * TensorBoard event files.
 * Exit codes: 0 success, 1 an alert at or above `--fail-on`, 2 bad usage or a bad history file.
 */
import * as path from 'path';
import { Command, CommanderError, Option } from 'commander';
import { writeFileAtomic } from '../files/atomic-write';
import { HistoryFileError, loadHistory } from '../history/load';
import type { AlertSeverity, HistoryDocument } from '../history-types';
import { renderReport } from '../report/render-report';
import { writeHistoryEvents } from '../tensorboard/history-events';
import { atLeast } from '../report/weight-summary';
import { alertsData, alertsText, HISTORY_ALERT_KINDS, parseKinds } from './alerts-command';
import { compareData, compareText } from './compare-command';
import { summaryData, summaryText } from './summary-command';
import { printable } from './text-table';

const NAME = 'tfjs-param-monitor';
const SEVERITIES: AlertSeverity[] = ['info', 'warn', 'error'];

/** Exit status: an alert at or above `--fail-on`. */
export const EXIT_ALERTS = 1;
/** Exit status: bad usage, or a file that is not a readable history. */
export const EXIT_USAGE = 2;

/** A usage problem found after commander parsed the arguments. */
class UsageError extends Error {}

interface CommonOptions {
  json?: boolean;
  failOn?: AlertSeverity;
}

const failOnOption = () => new Option('--fail-on <severity>', 'exit 1 when the history holds an alert at or above this severity')
  .choices(SEVERITIES);
const jsonOption = () => new Option('--json', 'print machine-readable JSON instead of text');

function print(value: unknown, json: boolean | undefined, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : text());
}

/**
 * The exit status for `--fail-on`: alerts that started (each condition once, not its reminders
 * or its clearing) at or above the severity, of the given kinds; says on stderr which file holds
 * how many.
 */
function failOn(options: CommonOptions, runs: { file: string; history: HistoryDocument }[], kinds?: readonly string[]): number {
  const threshold = options.failOn;
  let status = 0;
  if (threshold === undefined) return status;
  for (const { file, history } of runs) {
    const hits = history.alerts.filter((a) => a.status === 'started' && atLeast(a.severity, threshold) && (kinds === undefined || kinds.includes(a.kind))).length;
    if (hits > 0) {
      process.stderr.write(`${NAME}: ${printable(file)}: ${hits} alert${hits === 1 ? '' : 's'} at or above ${threshold} (--fail-on ${threshold})\n`);
      status = EXIT_ALERTS;
    }
  }
  return status;
}

/** The command tree; each action stores its exit status in `result`. */
function program(result: { status: number }): Command {
  const cli = new Command(NAME)
    .description('Read a parameter history written by tfjs-param-monitor: summaries, alerts, comparisons and an HTML report.')
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({ outputError: (message, write) => write(`${NAME}: ${message.replace(/^error: /, '')}`) });

  cli.command('summary').argument('<file>', 'history JSON file')
    .description('the census (per layer), then one row per weight, weights with alerts first')
    .addOption(jsonOption()).addOption(failOnOption())
    .action((file: string, options: CommonOptions) => {
      const history = loadHistory(file);
      const data = summaryData(file, history);
      print(data, options.json, () => summaryText(data, history));
      result.status = failOn(options, [{ file, history }]);
    });

  cli.command('alerts').argument('<file>', 'history JSON file')
    .description('the alerts in the order they were raised')
    .addOption(new Option('--severity <severity>', 'show alerts at or above this severity').choices(SEVERITIES).default('info'))
    .addOption(new Option('--kind <kinds>', `show only these kinds, comma-separated (${HISTORY_ALERT_KINDS.join(', ')})`))
    .addOption(jsonOption()).addOption(failOnOption())
    .action((file: string, options: CommonOptions & { severity: AlertSeverity; kind?: string }) => {
      let kinds;
      try {
        kinds = options.kind === undefined ? undefined : parseKinds(options.kind);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      const history = loadHistory(file);
      const data = alertsData(file, history, { severity: options.severity, kinds });
      print(data, options.json, () => alertsText(data));
      result.status = failOn(options, [{ file, history }], kinds);
    });

  cli.command('report').argument('<file>', 'history JSON file')
    .description('write a self-contained HTML report (one file, opens with no network)')
    .option('-o, --output <file>', 'where to write the report', 'report.html')
    .addOption(failOnOption())
    .action((file: string, options: CommonOptions & { output: string }) => {
      const history = loadHistory(file);
      const html = renderReport(history, { title: path.basename(file) });
      try {
        writeFileAtomic(options.output, html);
      } catch (error) {
        throw new UsageError(`cannot write ${options.output} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      }
      process.stdout.write(`wrote ${options.output} (${Math.round(html.length / 1024)} KiB)\n`);
      result.status = failOn(options, [{ file, history }]);
    });

  cli.command('tensorboard').argument('<file>', 'history JSON file')
    .description('write the history as TensorBoard event files (scalars, histograms, alerts as text), for tensorboard --logdir')
    .requiredOption('-o, --output <folder>', 'the folder to write the event file into (created if missing)')
    .addOption(failOnOption())
    .action((file: string, options: CommonOptions & { output: string }) => {
      const history = loadHistory(file);
      let written;
      try {
        written = writeHistoryEvents(history, options.output, '--output');
      } catch (error) {
        throw new UsageError(`cannot write TensorBoard events into ${options.output}: ${(error as Error).message}`);
      }
      process.stdout.write(`wrote ${written.file} (${written.snapshots} snapshots, histograms at ${written.histograms}, `
        + `${written.alerts} alerts, ${Math.round(written.bytes / 1024)} KiB)\n`);
      result.status = failOn(options, [{ file, history }]);
    });

  cli.command('compare').argument('<a>', 'history JSON file of one run').argument('<b>', 'history JSON file of the other run')
    .description('two runs of the same model side by side: final statistics and drift, census differences, alerts only one run has')
    .addOption(jsonOption()).addOption(failOnOption())
    .action((fileA: string, fileB: string, options: CommonOptions) => {
      const a = loadHistory(fileA);
      const b = loadHistory(fileB);
      const data = compareData(fileA, a, fileB, b);
      print(data, options.json, () => compareText(data));
      result.status = failOn(options, [{ file: fileA, history: a }, { file: fileB, history: b }]);
    });
  return cli;
}

/** Runs the CLI on `argv` (without node and the script) and returns the exit status. */
export function main(argv: string[]): number {
  if (argv.length === 0) {
    process.stderr.write(`${NAME}: missing command: summary, alerts, report, compare or tensorboard (see --help)\n`);
    return EXIT_USAGE;
  }
  try {
    const result = { status: 0 };
    program(result).parse(argv, { from: 'user' });
    return result.status;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    // One line, whatever the message quotes from the file, and no terminal control characters;
    // an unexpected failure too (exit 2, never 1, which a CI gate reads as alerts found).
    const known = error instanceof HistoryFileError || error instanceof UsageError;
    const message = known ? (error as Error).message : `failed: ${error instanceof Error ? error.message : String(error)}`;
    process.stderr.write(`${NAME}: ${printable(message.replace(/\s*\n\s*/g, ' '))}\n`);
    return EXIT_USAGE;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
