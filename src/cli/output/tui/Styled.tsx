import { Text, type TextProps } from 'ink';
import { createContext, useContext } from 'react';

/** Whether the screen may colour and style text (terminalCapabilities: NO_COLOR, TERM=dumb). */
export const ColorContext = createContext(true);

/** ink's Text, minus colours and styles (bold, dim, ...) when the terminal must not get them. */
export function Styled(props: TextProps) {
  const color = useContext(ColorContext);
  if (color) return <Text {...props} />;
  const {
    color: _c,
    backgroundColor: _b,
    dimColor: _d,
    bold: _bo,
    italic: _i,
    underline: _u,
    strikethrough: _s,
    inverse: _inv,
    ...plain
  } = props;
  return <Text {...plain} />;
}
