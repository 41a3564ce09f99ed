import { tinyBertOnnx, TINY_BERT } from './tiny-bert-graph.js';
import { tinyBertTokenizerConfig, tinyBertTokenizerJson, tinyBertVocab } from './tiny-bert-tokenizer.js';

/** Tokens per text the tokenizer keeps (tokenizer_config.json `model_max_length`). */
const MAX_LENGTH = 32;

/**
 * Every file of the tiny BERT's transformers.js folder, by path relative to the folder. Pure and
 * deterministic: the checked-in `models/tiny-bert/` must equal this byte for byte (a test checks).
 */
export function tinyBertFiles(): Map<string, Uint8Array> {
  const vocab = tinyBertVocab();
  const architecture = { ...TINY_BERT, vocabSize: vocab.length };
  const config = {
    architectures: ['BertModel'],
    model_type: 'bert',
    vocab_size: vocab.length,
    hidden_size: architecture.hidden,
    num_hidden_layers: architecture.layers,
    num_attention_heads: architecture.heads,
    intermediate_size: architecture.intermediate,
    hidden_act: 'gelu',
    max_position_embeddings: architecture.maxPositions,
    type_vocab_size: architecture.typeVocab,
    layer_norm_eps: 1e-12,
    pad_token_id: 0,
    _comment: 'layerlab fixture: random weights, built by models/build-tiny-bert.ts',
  };
  const text = (s: string) => new TextEncoder().encode(s);
  return new Map([
    ['config.json', text(`${JSON.stringify(config, null, 2)}\n`)],
    ['tokenizer.json', text(tinyBertTokenizerJson())],
    ['tokenizer_config.json', text(tinyBertTokenizerConfig(MAX_LENGTH))],
    ['onnx/model.onnx', tinyBertOnnx(architecture)],
  ]);
}
