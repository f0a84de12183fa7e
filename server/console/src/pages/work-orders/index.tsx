import { Route, Routes } from 'react-router-dom';
import OrderDetail from './OrderDetail';
import OrderList from './OrderList';

/** /work-orders: the filterable list; /work-orders/:id: one order. */
export default function WorkOrdersPage() {
  return (
    <Routes>
      <Route index element={<OrderList />} />
      <Route path=":id" element={<OrderDetail />} />
    </Routes>
  );
}
