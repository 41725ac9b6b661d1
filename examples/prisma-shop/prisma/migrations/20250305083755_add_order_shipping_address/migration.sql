-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "shippingAddress" TEXT;
