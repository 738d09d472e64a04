import { Field, Int, ObjectType } from "type-graphql";
import type { FieldKeyRotation } from "./field-keys.service.js";

@ObjectType("ReencryptedColumn")
export class ReencryptedColumnType {
  @Field(() => String, { description: "Which protected values: members' ID numbers, phones or bank accounts" })
  column!: string;

  @Field(() => Int)
  values!: number;
}

@ObjectType("FieldKeyInUse")
export class FieldKeyInUseType {
  @Field(() => String)
  keyId!: string;

  @Field(() => Int, { description: "Values still encrypted under it" })
  values!: number;
}

@ObjectType("FieldKeyRotation", { description: "密钥轮换 — a new field key made active and every protected value re-encrypted under it" })
export class FieldKeyRotationType implements FieldKeyRotation {
  @Field(() => String)
  active!: string;

  @Field(() => String)
  previous!: string;

  @Field(() => [ReencryptedColumnType])
  reencrypted!: ReencryptedColumnType[];

  @Field(() => [String], { description: "Keys removed from the key file (retire: true)" })
  retired!: string[];

  @Field(() => [FieldKeyInUseType], { description: "Old keys kept because values still use them (retire: true)" })
  stillInUse!: FieldKeyInUseType[];
}
