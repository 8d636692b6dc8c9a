/** Ratings are whole stars from 0 to 5. */
export const MIN_SCORE = 0;
export const MAX_SCORE = 5;
