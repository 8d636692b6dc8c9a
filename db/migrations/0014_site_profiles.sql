CREATE TABLE "site_profiles" (
	"day" timestamp with time zone PRIMARY KEY NOT NULL,
	"profile" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "correction_reports" ADD COLUMN "profile_difference" double precision;
