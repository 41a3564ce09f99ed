import { Component, type ErrorInfo, type ReactNode } from 'react';
import { Text } from 'ink';
import { theme } from './theme.js';

export interface ErrorBoundaryProps {
  /** called once with the render error, e.g. `useApp().exit` so `waitUntilExit` rejects with it */
  onError: (error: Error) => void;
  children: ReactNode;
}

/** A bug in a component must end the view with its error, not leave a frozen frame behind. */
export class ErrorBoundary extends Component<ErrorBoundaryProps, { error?: Error }> {
  override state: { error?: Error } = {};

  static getDerivedStateFromError(error: Error): { error: Error } {
    return { error };
  }

  override componentDidCatch(error: Error, _info: ErrorInfo): void {
    this.props.onError(error);
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (error === undefined) return this.props.children;
    return <Text color={theme.error}>layerlab UI error: {error.message}</Text>;
  }
}
