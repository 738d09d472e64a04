import { GraphQLError, GraphQLScalarType, Kind } from "graphql";
import { fenToYuan, yuanToFen } from "../money.js";

function moneyInput(value: unknown): number {
  const fen = typeof value === "string" || typeof value === "number" ? yuanToFen(value) : null;
  if (fen === null) {
    throw new GraphQLError("Money must be a decimal amount in yuan with at most two decimals, e.g. \"1234.50\"", {
      extensions: { code: "BAD_USER_INPUT" },
    });
  }
  return fen;
}

/** Decimal yuan on the wire (`"1234.50"`), integer fen inside the hub. */
export const MoneyScalar = new GraphQLScalarType<number, string>({
  name: "Money",
  description: "金额 — an amount in yuan as a decimal string with two decimals, e.g. \"1234.50\" (stored as integer fen)",
  serialize: (value) => {
    if (typeof value !== "number" || !Number.isSafeInteger(value)) throw new TypeError("Money must be integer fen");
    return fenToYuan(value);
  },
  parseValue: moneyInput,
  parseLiteral: (ast) => {
    if (ast.kind === Kind.STRING || ast.kind === Kind.FLOAT || ast.kind === Kind.INT) return moneyInput(ast.value);
    return moneyInput(null);
  },
});
