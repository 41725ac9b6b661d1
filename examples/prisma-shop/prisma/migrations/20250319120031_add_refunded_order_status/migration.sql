-- AlterEnum
ALTER TYPE "OrderStatus" ADD VALUE 'REFUNDED';
