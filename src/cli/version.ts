/** The tool version recorded in every manifest. Kept in step with package.json by the release step. */
export const VERSION = '0.1.0';
