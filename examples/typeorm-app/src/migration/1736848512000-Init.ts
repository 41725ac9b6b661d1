import { MigrationInterface, QueryRunner } from "typeorm";

export class Init1736848512000 implements MigrationInterface {
    name = 'Init1736848512000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "invoice_line" ("id" SERIAL NOT NULL, "description" text NOT NULL, "quantity" integer NOT NULL, "unitPrice" numeric(12,2) NOT NULL, "invoiceId" integer NOT NULL, CONSTRAINT "PK_112d67e85951a56ee5123e9c803" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TYPE "public"."invoice_status_enum" AS ENUM('draft', 'issued', 'paid')`);
        await queryRunner.query(`CREATE TABLE "invoice" ("id" SERIAL NOT NULL, "number" character varying(32) NOT NULL, "status" "public"."invoice_status_enum" NOT NULL DEFAULT 'draft', "issuedAt" TIMESTAMP WITH TIME ZONE, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "customerId" integer NOT NULL, CONSTRAINT "UQ_60284980bc8b9c624459948f4ac" UNIQUE ("number"), CONSTRAINT "PK_15d25c200d9bcd8a33f698daf18" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TABLE "customer" ("id" SERIAL NOT NULL, "email" character varying(255) NOT NULL, "name" text NOT NULL, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a7a13f4cacb744524e44dfdad32" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "customer_email_key" ON "customer"  ("email") `);
        await queryRunner.query(`ALTER TABLE "invoice_line" ADD CONSTRAINT "FK_d1abbe501a231d860de4e4eb597" FOREIGN KEY ("invoiceId") REFERENCES "invoice"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "invoice" ADD CONSTRAINT "FK_925aa26ea12c28a6adb614445ee" FOREIGN KEY ("customerId") REFERENCES "customer"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "invoice" DROP CONSTRAINT "FK_925aa26ea12c28a6adb614445ee"`);
        await queryRunner.query(`ALTER TABLE "invoice_line" DROP CONSTRAINT "FK_d1abbe501a231d860de4e4eb597"`);
        await queryRunner.query(`DROP INDEX "public"."customer_email_key"`);
        await queryRunner.query(`DROP TABLE "customer"`);
        await queryRunner.query(`DROP TABLE "invoice"`);
        await queryRunner.query(`DROP TYPE "public"."invoice_status_enum"`);
        await queryRunner.query(`DROP TABLE "invoice_line"`);
    }

}
