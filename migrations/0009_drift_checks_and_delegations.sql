CREATE TABLE `delegations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`approver_slack_id` text NOT NULL,
	`delegate_slack_id` text NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`ended_at` integer,
	`ended_by` text,
	`end_reason` text
);
--> statement-breakpoint
CREATE INDEX `delegations_approver_idx` ON `delegations` (`approver_slack_id`,`ended_at`);--> statement-breakpoint
CREATE INDEX `delegations_due_idx` ON `delegations` (`ended_at`,`ends_at`);--> statement-breakpoint
CREATE TABLE `drift_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`trigger` text NOT NULL,
	`requested_by` text,
	`job_id` integer,
	`report` text NOT NULL,
	`findings` integer NOT NULL,
	`new_findings` integer NOT NULL,
	`jira_label` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `drift_runs_job_uq` ON `drift_runs` (`job_id`);--> statement-breakpoint
CREATE TABLE `step_delegates` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`step_id` integer NOT NULL,
	`delegation_id` integer NOT NULL,
	`for_slack_id` text NOT NULL,
	`delegate_slack_id` text NOT NULL,
	`added` integer NOT NULL,
	`created_at` integer NOT NULL,
	`ended_at` integer,
	FOREIGN KEY (`step_id`) REFERENCES `approval_steps`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`delegation_id`) REFERENCES `delegations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `step_delegates_step_idx` ON `step_delegates` (`step_id`);--> statement-breakpoint
CREATE INDEX `step_delegates_delegation_idx` ON `step_delegates` (`delegation_id`,`ended_at`);