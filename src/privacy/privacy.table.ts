import { pgEnum } from "drizzle-orm/pg-core";
import { DataCategory } from "./categories.js";

export const dataCategoryEnum = pgEnum("data_category", DataCategory.values);
