export { scoreMatch, type ScoreInput, type Scored } from "./matching.score.js";
export { matchesForResource, type NeedMatchView } from "./matching.service.js";
