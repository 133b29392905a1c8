/**
 * The census: every weight of a model, each tfjs variable once, keyed by its variable name,
 * with the facts needed to judge it (trainable by layer and by variable, collected by `compile`
 * for the optimizer, or a moving statistic the layer updates itself).
 */
import * as tf from '@tensorflow/tfjs';
import type { LayerRecord, ModelRecord, WeightRecord } from './history-types';

type Layer = tf.layers.Layer;
type LayerVariable = Layer['weights'][number];

/** A weight of the model with the live variable it reads from. */
export interface WatchedWeight {
  record: WeightRecord;
  variable: LayerVariable;
}

export interface Census {
  model: ModelRecord;
  weights: WatchedWeight[];
}

/** tfjs keeps these on the instance without typing them publicly. */
interface LayerInternals {
  layers?: Layer[];
  _nonTrainableWeights?: LayerVariable[];
  collectedTrainableWeights?: LayerVariable[];
  model?: { collectedTrainableWeights?: LayerVariable[] };
}

const internals = (x: unknown) => x as LayerInternals;

/**
 * Ids of the variables `compile` handed to the optimizer, or null before compile. The one place
 * that reads tfjs's `collectedTrainableWeights` (tfjs-layers 4.22 `training.ts`: `compile` sets
 * it to the model's trainable weights at that moment; `fit`, `fitDataset` and `trainOnBatch` step
 * exactly those, minus any whose variable is not trainable, which `variableGrads` drops).
 */
function collectedIds(model: tf.LayersModel): Set<number> | null {
  const m = internals(model);
  // Sequential keeps the compiled model in `.model`.
  const collected = m.collectedTrainableWeights ?? m.model?.collectedTrainableWeights;
  return Array.isArray(collected) ? new Set(collected.map((v) => v.id)) : null;
}

/**
 * Ids of the variables this model's own training steps: as compiled (see `collectedIds`), or
 * before compile every variable still trainable (what a custom loop's `variableGrads` keeps).
 */
export function trainedVariableIds(model: tf.LayersModel): Set<number> {
  const collected = collectedIds(model);
  const ids = new Set<number>();
  for (const variable of model.weights) {
    if (variable.trainable && (collected === null || collected.has(variable.id))) ids.add(variable.id);
  }
  return ids;
}

/**
 * Whether the layer itself declared the variable non-trainable when it built it (BatchNorm's
 * moving mean and variance). tfjs keeps that list privately; the name test covers a tfjs that
 * renames it.
 */
function isMovingStatistic(layer: Layer, variable: LayerVariable): boolean {
  const declared = internals(layer)._nonTrainableWeights;
  if (Array.isArray(declared)) return declared.some((v) => v.id === variable.id);
  return /moving_(mean|variance)$/.test(variable.name);
}

/**
 * Takes the census of a model; nested models are flattened, shared layers counted once.
 *
 * A weight is trainable when this model's training updates it: when `compile` collected it for
 * the optimizer and its variable is trainable, whatever its layer's flag says now (a GAN sets
 * `discriminator.trainable = false` after compiling the discriminator, whose `trainOnBatch` still
 * trains those weights); or when its layer and variable flags say so (a layer unfrozen after
 * `compile` stays trainable, `optimized: false`, so the `frozen` rule can say to recompile).
 * `sharedWith` maps a variable id to the other models whose training updates it.
 */
export function takeCensus(model: tf.LayersModel, sharedWith: ReadonlyMap<number, string[]> = new Map()): Census {
  const collected = collectedIds(model);
  const seenLayers = new Set<Layer>();
  const seenVariables = new Set<number>();
  const layers: LayerRecord[] = [];
  const weights: WatchedWeight[] = [];

  const visit = (layer: Layer, ancestorsTrainable: boolean) => {
    if (seenLayers.has(layer)) return;
    seenLayers.add(layer);
    const layerTrainable = ancestorsTrainable && layer.trainable;
    const children = internals(layer).layers;
    if (Array.isArray(children)) {
      children.forEach((child) => visit(child, layerTrainable));
      return;
    }
    // Input layers hold no weights; Sequential.fit hands callbacks its inner model, which lists one.
    if (layer.getClassName() === 'InputLayer') return;
    const record: LayerRecord = {
      name: layer.name, class: layer.getClassName(), params: 0, trainableParams: 0,
      nonTrainableParams: 0, trainable: layerTrainable, weights: [],
    };
    for (const variable of layer.weights) {
      if (seenVariables.has(variable.id)) continue;
      seenVariables.add(variable.id);
      const size = variable.shape.reduce((a: number, b) => a * (b ?? 0), 1);
      const optimized = collected ? collected.has(variable.id) : null;
      const trainable = (layerTrainable && variable.trainable) || (optimized === true && variable.trainable);
      const others = trainable ? undefined : sharedWith.get(variable.id);
      weights.push({
        variable,
        record: {
          name: variable.name, layer: layer.name, layerClass: record.class,
          shape: variable.shape.map((d) => d ?? 0), dtype: variable.dtype, size, trainable,
          layerTrainable, variableTrainable: variable.trainable, optimized,
          movingStatistic: isMovingStatistic(layer, variable),
          ...(others !== undefined && others.length > 0 ? { sharedWith: others } : {}),
        },
      });
      record.params += size;
      if (trainable) record.trainableParams += size;
      else record.nonTrainableParams += size;
      record.weights.push(variable.name);
    }
    layers.push(record);
  };
  model.layers.forEach((layer) => visit(layer, model.trainable));

  const sum = (key: 'params' | 'trainableParams' | 'nonTrainableParams') =>
    layers.reduce((total, l) => total + l[key], 0);
  return {
    model: {
      name: model.name, totalParams: sum('params'), trainableParams: sum('trainableParams'),
      nonTrainableParams: sum('nonTrainableParams'), layers,
    },
    weights,
  };
}
