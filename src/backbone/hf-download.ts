import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { notFound } from '../core/errors.js';
import type { TransformersJs } from './hf-runtime.js';

/**
 * Fetches a Hugging Face model id into transformers.js's file cache (only with --allow-remote) and
 * returns the cached folder, which then reads like any local transformers.js folder. transformers.js
 * does the downloading: its config, tokenizer / processor and model loaders cache every file they
 * fetch under `env.cacheDir/<id>/`.
 */
export async function downloadHubModel(transformers: TransformersJs, id: string): Promise<string> {
  const folder = join(transformers.env.cacheDir ?? '', id);
  const fetchAll = async () => {
    await transformers.AutoConfig.from_pretrained(id);
    const files = await transformers.ModelRegistry.get_files(id, {
      dtype: 'fp32',
      include_tokenizer: true,
      include_processor: true,
    });
    if (files.includes('tokenizer.json')) await transformers.AutoTokenizer.from_pretrained(id);
    if (files.includes('preprocessor_config.json')) await transformers.AutoProcessor.from_pretrained(id);
    // Loading the model once is what makes transformers.js fetch onnx/model.onnx (and its data).
    const model = await transformers.AutoModel.from_pretrained(id, { dtype: 'fp32' });
    await model.dispose();
  };
  try {
    await fetchAll();
  } catch (error) {
    throw notFound(
      `could not download ${id} from the Hugging Face Hub (${(error as Error).message.split('\n')[0]}); check the id and the network, or pass a local folder`,
    );
  }
  if (!existsSync(join(folder, 'config.json')))
    throw notFound(
      `transformers.js fetched ${id} but left no ${join(folder, 'config.json')}; pass a local folder`,
    );
  return folder;
}
