-- CreateIndex
CREATE INDEX CONCURRENTLY "Order_createdAt_idx" ON "Order"("createdAt");
