/**
 * The tiny BERT's WordPiece tokenizer, written in the Hugging Face `tokenizer.json` format that
 * @huggingface/transformers' AutoTokenizer loads: BERT normalizer (lowercase), BERT pre-tokenizer,
 * [CLS] A [SEP] template and a ~150-token vocabulary (special tokens, common words, letters and
 * `##` continuations, so any lowercase ASCII word tokenizes without [UNK]).
 */
export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

const WORDS = [
  'the',
  'a',
  'an',
  'is',
  'was',
  'this',
  'that',
  'it',
  'and',
  'or',
  'not',
  'very',
  'i',
  'you',
  'we',
  'movie',
  'film',
  'story',
  'good',
  'great',
  'fine',
  'bad',
  'awful',
  'boring',
  'love',
  'like',
  'hate',
  'cat',
  'dog',
  'sat',
  'on',
  'mat',
  'run',
  'play',
  'happy',
  'sad',
];
const SUFFIXES = ['##s', '##ed', '##ing', '##ly', '##er'];
const LETTERS = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('');
const PUNCTUATION = ['.', ',', '!', '?', "'", '-'];

/** The vocabulary in id order. */
export function tinyBertVocab(): string[] {
  const vocab: string[] = [...SPECIAL_TOKENS];
  for (const token of [...WORDS, ...SUFFIXES, ...LETTERS, ...LETTERS.map((l) => `##${l}`), ...PUNCTUATION])
    if (!vocab.includes(token)) vocab.push(token);
  return vocab;
}

/** `tokenizer.json`, as the `tokenizers` library writes it (keys in its order). */
export function tinyBertTokenizerJson(): string {
  const vocab = tinyBertVocab();
  const id = (token: string) => vocab.indexOf(token);
  const special = (token: string) => ({ id: token, ids: [id(token)], tokens: [token] });
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((content) => ({
      id: id(content),
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: { '[CLS]': special('[CLS]'), '[SEP]': special('[SEP]') },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocab.map((token, i) => [token, i])),
    },
  };
  return `${JSON.stringify(tokenizer, null, 2)}\n`;
}

/** `tokenizer_config.json`: the class and limits transformers.js reads beside tokenizer.json. */
export function tinyBertTokenizerConfig(maxLength: number): string {
  const config = {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    model_max_length: maxLength,
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    mask_token: '[MASK]',
    clean_up_tokenization_spaces: true,
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
