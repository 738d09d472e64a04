export { scoreMatch, type ScoreInput, type Scored } from "./matching.score.js";
