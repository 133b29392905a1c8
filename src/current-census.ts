/**
 * The census the monitor holds: retaken at each `fit` and `attach()` (the model can change
 * between them) with the environment it was taken in; which of its weights the monitor watches;
 * and what the history document says of it.
 */
import type * as tf from '@tensorflow/tfjs';
import { takeCensus, type Census, type WatchedWeight } from './census';
import { describeEnvironment } from './environment';
import type { HistoryHeader } from './history/recorder';
import type { EnvironmentRecord, HistoryDocument } from './history-types';
import type { CensusEvent } from './output';
import type { StatsOn } from './stats/engine-choice';
import { sharedTrainers } from './training/shared-weights';

export class CurrentCensus {
  private census: Census | null = null;
  private environment: EnvironmentRecord | null = null;

  /**
   * @param sharedWith the `sharedWith` option: models that train some of these weights on their own
   * @param watches whether the monitor watches a weight (`include` / `exclude`)
   */
  constructor(private readonly statsOn: StatsOn, private readonly sharedWith: readonly tf.LayersModel[],
    private readonly watches: (name: string) => boolean) {}

  /** Whether a census was taken. */
  get taken(): boolean {
    return this.census !== null;
  }

  /** Every weight of the census, watched or not: the same array until the census is retaken. */
  get weights(): readonly WatchedWeight[] {
    return this.census?.weights ?? [];
  }

  /** The weights the monitor watches (none before the first census). */
  watched(): WatchedWeight[] {
    return this.census ? this.census.weights.filter((w) => this.watches(w.record.name)) : [];
  }

  /** Takes the census of the model now; returns what the outputs are told of it. */
  retake(model: tf.LayersModel, epoch: number): CensusEvent {
    this.census = takeCensus(model, sharedTrainers(this.sharedWith));
    this.environment = describeEnvironment(this.statsOn);
    return {
      model: this.census.model, weights: this.census.weights.map((w) => w.record), watched: this.watched().length,
      backend: this.environment.backend, epoch,
    };
  }

  /** The history document's header, with these options. */
  header(options: HistoryDocument['options']): HistoryHeader {
    return {
      environment: this.environment ?? describeEnvironment(this.statsOn),
      options,
      model: this.census?.model ?? { name: '', totalParams: 0, trainableParams: 0, nonTrainableParams: 0, layers: [] },
      weights: this.census ? this.census.weights.map((w) => w.record) : [],
    };
  }
}
