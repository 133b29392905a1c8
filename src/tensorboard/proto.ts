/**
 * The messages of TensorBoard's event files, for protobufjs: field numbers and types copied from
 * TensorBoard's own `.proto` files (github.com/tensorflow/tensorboard, read at 2.21:
 * tensorboard/compat/proto/event.proto, summary.proto, tensor.proto, tensor_shape.proto,
 * types.proto). Only the fields this package writes are declared; protobufjs skips the rest.
 *
 * `EventWithSummaryBytes` is `Event` with its `summary` field (5, length-delimited) declared as
 * `bytes`: the same bytes on the wire, so a summary encoded ahead of time (the scalar values,
 * whose layout never changes, see ./event-writer.ts) is spliced in without decoding it again;
 * `EventHeader` is its first two fields alone.
 */
import * as protobuf from 'protobufjs/light';

/** `tensorboard.DataType` values used here (types.proto). */
export const DT_FLOAT = 1;
export const DT_DOUBLE = 2;
export const DT_STRING = 7;

/** `tensorboard.DataClass` values (summary.proto). */
export const DATA_CLASS_SCALAR = 1;
export const DATA_CLASS_TENSOR = 2;

const root = protobuf.Root.fromJSON({
  nested: {
    tensorboard: {
      nested: {
        Event: {
          fields: {
            wallTime: { type: 'double', id: 1 },
            step: { type: 'int64', id: 2 },
            fileVersion: { type: 'string', id: 3 },
            summary: { type: 'Summary', id: 5 },
          },
        },
        EventHeader: {
          fields: {
            wallTime: { type: 'double', id: 1 },
            step: { type: 'int64', id: 2 },
          },
        },
        EventWithSummaryBytes: {
          fields: {
            wallTime: { type: 'double', id: 1 },
            step: { type: 'int64', id: 2 },
            summary: { type: 'bytes', id: 5 },
          },
        },
        Summary: {
          fields: { value: { rule: 'repeated', type: 'SummaryValue', id: 1 } },
        },
        SummaryValue: {
          fields: {
            tag: { type: 'string', id: 1 },
            metadata: { type: 'SummaryMetadata', id: 9 },
            tensor: { type: 'TensorProto', id: 8 },
          },
        },
        SummaryMetadata: {
          fields: {
            pluginData: { type: 'PluginData', id: 1 },
            displayName: { type: 'string', id: 2 },
            summaryDescription: { type: 'string', id: 3 },
            dataClass: { type: 'int32', id: 4 },
          },
        },
        PluginData: {
          fields: {
            pluginName: { type: 'string', id: 1 },
            content: { type: 'bytes', id: 2 },
          },
        },
        TensorProto: {
          fields: {
            dtype: { type: 'int32', id: 1 },
            tensorShape: { type: 'TensorShapeProto', id: 2 },
            tensorContent: { type: 'bytes', id: 4 },
            floatVal: { rule: 'repeated', type: 'float', id: 5, options: { packed: true } },
            doubleVal: { rule: 'repeated', type: 'double', id: 6, options: { packed: true } },
            stringVal: { rule: 'repeated', type: 'bytes', id: 8 },
          },
        },
        TensorShapeProto: {
          fields: { dim: { rule: 'repeated', type: 'TensorShapeDim', id: 2 } },
        },
        TensorShapeDim: {
          fields: { size: { type: 'int64', id: 1 } },
        },
      },
    },
  },
});

const type = (name: string) => root.lookupType(`tensorboard.${name}`);

export const EventMessage = type('Event');
export const EventWithSummaryBytes = type('EventWithSummaryBytes');
/** `Event` with only its first two fields: the bytes an event starts with, before its summary. */
export const EventHeader = type('EventHeader');
export const SummaryMessage = type('Summary');
export const SummaryValueMessage = type('SummaryValue');

/** Plain objects in the shape protobufjs encodes (camelCase field names). */
export interface TensorFields {
  dtype: number;
  tensorShape: { dim: { size: number }[] };
  tensorContent?: Uint8Array;
  floatVal?: number[];
  doubleVal?: number[];
  stringVal?: Uint8Array[];
}

export interface MetadataFields {
  pluginData: { pluginName: string; content?: Uint8Array };
  dataClass: number;
  summaryDescription?: string;
}

export interface ValueFields {
  tag: string;
  metadata?: MetadataFields;
  tensor: TensorFields;
}
