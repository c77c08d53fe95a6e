-- Channel kinds and address kinds become text: the channels the registry lists are the ones there are, so a new
-- channel needs no migration. Written by hand: ALTER COLUMN ... TYPE keeps every row (Prisma's own diff would
-- drop and re-add the columns) and rebuilds the unique indexes on them.
ALTER TABLE "ContactPoint" ALTER COLUMN "kind" TYPE TEXT USING "kind"::TEXT;
ALTER TABLE "Conversation" ALTER COLUMN "channel" TYPE TEXT USING "channel"::TEXT;
ALTER TABLE "Customer" ALTER COLUMN "preferredChannel" TYPE TEXT USING "preferredChannel"::TEXT;
ALTER TABLE "InboxItem" ALTER COLUMN "channel" TYPE TEXT USING "channel"::TEXT;
ALTER TABLE "Message" ALTER COLUMN "channel" TYPE TEXT USING "channel"::TEXT;
ALTER TABLE "MessageStatusEvent" ALTER COLUMN "channel" TYPE TEXT USING "channel"::TEXT;
ALTER TABLE "Verification" ALTER COLUMN "kind" TYPE TEXT USING "kind"::TEXT;

DROP TYPE "ChannelKind";
DROP TYPE "ContactPointKind";
