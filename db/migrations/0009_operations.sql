CREATE TABLE "fold_runs" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "fold_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL,
	"pending_before" integer NOT NULL,
	"lag_seconds" double precision NOT NULL,
	"batches" integer NOT NULL,
	"folded" integer NOT NULL,
	"posts_rescored" integer NOT NULL,
	"duration_ms" integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX "fold_runs_started_idx" ON "fold_runs" USING btree ("started_at");
