/**
 * The console's theme: Mantine's defaults tuned to WCAG AA contrast (checked by axe-core in test/web.test.ts). The
 * default shade 6 puts white on #228be6 at 3.55:1; shade 8 with automatic black-or-white text passes on every colour
 * the console uses, and the dimmed grey is darkened from #868e96 (3.3:1) to 5.7:1.
 */
import { createTheme, type CSSVariablesResolver } from '@mantine/core';

export const theme = createTheme({
  primaryShade: 8,
  autoContrast: true,
  // Above this luminance a filled colour gets black text: green, orange, yellow and red at shade 8; blue keeps white.
  luminanceThreshold: 0.17,
  components: {
    Badge: { defaultProps: { variant: 'filled' } },
    NavLink: { defaultProps: { variant: 'filled' } },
  },
});

export const cssVariables: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': '#5c636a' },
  dark: {},
});
