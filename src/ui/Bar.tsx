import { Text } from 'ink';
import { blockBar } from './bar-glyphs.js';

export interface BarProps {
  /** 0–1 */
  fraction: number;
  /** cells for a full bar */
  width: number;
  color?: string;
  /** fill the empty part with a light shade so the bar's full length is visible (progress bars) */
  track?: boolean;
}

export function Bar({ fraction, width, color, track = false }: BarProps) {
  const filled = blockBar(fraction, width);
  const empty = width - filled.length;
  return (
    <Text>
      <Text color={color}>{filled}</Text>
      {track && empty > 0 ? <Text dimColor>{'░'.repeat(empty)}</Text> : null}
    </Text>
  );
}
