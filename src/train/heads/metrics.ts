/**
 * Classification metrics from a confusion matrix (row-major [classes, classes], rows = true class,
 * columns = predicted).
 */
export function accuracyOf(confusion: ArrayLike<number>, classes: number): number {
  let total = 0;
  let diagonal = 0;
  for (let t = 0; t < classes; t++)
    for (let p = 0; p < classes; p++) {
      total += confusion[t * classes + p]!;
      if (t === p) diagonal += confusion[t * classes + p]!;
    }
  return total > 0 ? diagonal / total : Number.NaN;
}

/**
 * The unweighted mean of per-class F1 over the classes that occur as a label or a prediction
 * (scikit-learn's `f1_score(average='macro')`); a class with no true positives scores 0.
 */
export function macroF1(confusion: ArrayLike<number>, classes: number): number {
  let sum = 0;
  let counted = 0;
  for (let c = 0; c < classes; c++) {
    let support = 0;
    let predicted = 0;
    for (let o = 0; o < classes; o++) {
      support += confusion[c * classes + o]!;
      predicted += confusion[o * classes + c]!;
    }
    if (support === 0 && predicted === 0) continue;
    const tp = confusion[c * classes + c]!;
    sum += (2 * tp) / (support + predicted);
    counted++;
  }
  return counted > 0 ? sum / counted : Number.NaN;
}

/** As nested arrays for JSON: [true class][predicted]. */
export function confusionRows(confusion: ArrayLike<number>, classes: number): number[][] {
  return Array.from({ length: classes }, (_, t) =>
    Array.from({ length: classes }, (_, p) => confusion[t * classes + p]!),
  );
}
