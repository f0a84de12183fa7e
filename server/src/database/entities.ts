import { Category } from '../modules/categories/category.entity.js';
import {
  Building,
  Community,
  Company,
  House,
  HouseRegistryEntry,
  PublicArea,
  Unit,
} from '../modules/places/place.entities.js';
import { HouseBinding } from '../modules/residents/house-binding.entity.js';
import { Upload } from '../modules/uploads/upload.entity.js';
import { StaffCommunity, User } from '../modules/users/user.entities.js';
import {
  IdempotencyRecord,
  OrderSequence,
  WorkOrder,
  WorkOrderEvent,
} from '../modules/work-orders/work-order.entities.js';

/** Every entity of the schema: the one list the data source, migrations and tests use. */
export const ENTITIES = [
  Company,
  Community,
  Building,
  Unit,
  House,
  HouseRegistryEntry,
  PublicArea,
  User,
  StaffCommunity,
  HouseBinding,
  Category,
  WorkOrder,
  WorkOrderEvent,
  IdempotencyRecord,
  OrderSequence,
  Upload,
];
