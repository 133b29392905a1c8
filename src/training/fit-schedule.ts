/**
 * Where `fit` training is, counted across `fit` calls (epochs and batches completed), and when
 * the monitor's snapshots fall: every `everyEpochs` epochs or every `everyBatches` batches, and
 * one at training end unless the latest has those weights already.
 */
import type { TrainingPosition } from '../alerts/alert-message';
import type { Snapshot } from '../history-types';

/** The part of tfjs's callback `params` that says how many batches an epoch has. */
export interface FitParams {
  steps?: number | null;
  samples?: number | null;
  batchSize?: number | null;
}

export class FitSchedule {
  private epochsCompleted = 0;
  private batchesCompleted = 0;

  constructor(private readonly everyEpochs: number | null, private readonly everyBatches: number | null) {}

  /** Epochs completed, across `fit` calls. */
  get epochs(): number {
    return this.epochsCompleted;
  }

  /** Batches completed, across `fit` calls. */
  get batches(): number {
    return this.batchesCompleted;
  }

  /** Where training is: the epoch, and the batch when snapshots follow batches. */
  get position(): TrainingPosition {
    return this.everyBatches !== null ? { epoch: this.epochsCompleted, batch: this.batchesCompleted } : { epoch: this.epochsCompleted };
  }

  /** Counts an epoch; returns whether a snapshot is due (`everyEpochs`). */
  epochEnded(): boolean {
    this.epochsCompleted += 1;
    const every = this.everyEpochs;
    return every !== null && this.epochsCompleted % every === 0;
  }

  /** Counts a batch; returns whether a snapshot is due (`everyBatches`). */
  batchEnded(): boolean {
    this.batchesCompleted += 1;
    const every = this.everyBatches;
    return every !== null && this.batchesCompleted % every === 0;
  }

  /**
   * Whether a snapshot may follow this batch (`batch`: its index in the epoch), so that its
   * gradients are the ones measured: with `everyBatches`, the batch it falls on; otherwise the
   * last batch of every epoch (and every batch when the epoch's length is unknown, or once a
   * stop was asked for).
   */
  snapshotFollows(batch: number, params: FitParams | undefined, stopRequested: boolean): boolean {
    const every = this.everyBatches;
    if (stopRequested) return true;
    if (every !== null) return (this.batchesCompleted + 1) % every === 0;
    const perEpoch = params?.steps ?? (params?.samples != null && params.batchSize ? Math.ceil(params.samples / params.batchSize) : null);
    return perEpoch == null || batch === perEpoch - 1;
  }

  /**
   * Whether training end needs a last snapshot: none yet, or the latest is older than now. In
   * batch mode the last batch's snapshot (taken before its epoch ended) is already final.
   */
  needsFinal(last: Snapshot | undefined): boolean {
    const stale = this.everyBatches !== null
      ? last?.batch !== this.batchesCompleted
      : last?.epoch !== this.epochsCompleted;
    return !last || stale;
  }
}
