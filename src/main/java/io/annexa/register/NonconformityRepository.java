package io.annexa.register;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.EntityTransaction;
import jakarta.persistence.TypedQuery;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.eclipse.persistence.config.PersistenceUnitProperties;
import org.eclipse.persistence.jpa.PersistenceProvider;

/** Stores nonconformities. Thread-safe: every call uses its own entity manager. */
public final class NonconformityRepository implements AutoCloseable {

    static final String UNIT = "annexa-register";

    private final EntityManagerFactory factory;

    private NonconformityRepository(EntityManagerFactory factory) {
        this.factory = factory;
    }

    public static NonconformityRepository open(DatabaseSettings settings) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(PersistenceUnitProperties.ECLIPSELINK_PERSISTENCE_XML, "META-INF/annexa-persistence.xml");
        properties.put(PersistenceUnitProperties.CLASSLOADER, NonconformityRepository.class.getClassLoader());
        properties.put(PersistenceUnitProperties.JDBC_URL, settings.url());
        properties.put(PersistenceUnitProperties.JDBC_USER, settings.user());
        properties.put(PersistenceUnitProperties.JDBC_PASSWORD, settings.password());
        properties.put(PersistenceUnitProperties.JDBC_DRIVER, driverFor(settings.url()));
        EntityManagerFactory factory = new PersistenceProvider().createEntityManagerFactory(UNIT, properties);
        if (factory == null) {
            throw new IllegalStateException("persistence unit " + UNIT + " not found on the class path");
        }
        // Connect and create or extend the schema now, so a bad database URL fails start-up and not the first finding.
        factory.createEntityManager().close();
        return new NonconformityRepository(factory);
    }

    private static String driverFor(String url) {
        if (url.startsWith("jdbc:h2:")) {
            return "org.h2.Driver";
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return "org.postgresql.Driver";
        }
        throw new IllegalArgumentException("annexa.db.url '" + url + "' is neither jdbc:h2: nor jdbc:postgresql:");
    }

    public List<Nonconformity> findOpen() {
        return search(new NonconformityFilter(Optional.of(NonconformityStatus.OPEN), Optional.empty(), Optional.empty()));
    }

    public List<Nonconformity> search(NonconformityFilter filter) {
        return read(em -> {
            StringBuilder jpql = new StringBuilder("select n from Nonconformity n where 1 = 1");
            filter.status().ifPresent(s -> jpql.append(" and n.status = :status"));
            // a rule citing 8.5 and 8.2 shows under both controls
            filter.control().ifPresent(c -> jpql.append(" and concat(',', n.controls, ',') like :control"));
            filter.asset().ifPresent(a -> jpql.append(" and n.asset = :asset"));
            jpql.append(" order by n.id");
            TypedQuery<Nonconformity> query = em.createQuery(jpql.toString(), Nonconformity.class);
            filter.status().ifPresent(s -> query.setParameter("status", s));
            filter.control().ifPresent(c -> query.setParameter("control", "%," + c + ",%"));
            filter.asset().ifPresent(a -> query.setParameter("asset", a));
            return query.getResultList();
        });
    }

    public Optional<Nonconformity> find(long id) {
        return read(em -> Optional.ofNullable(em.find(Nonconformity.class, id)));
    }

    /** Stores new and changed nonconformities in one transaction: either all of them or none. */
    void saveAll(Collection<Nonconformity> changed, Consumer<Nonconformity> whenStored) {
        if (changed.isEmpty()) {
            return;
        }
        EntityManager em = factory.createEntityManager();
        EntityTransaction tx = em.getTransaction();
        try {
            tx.begin();
            List<Nonconformity> stored = changed.stream().map(em::merge).toList();
            tx.commit();
            stored.forEach(whenStored);
        } finally {
            if (tx.isActive()) {
                tx.rollback();
            }
            em.close();
        }
    }

    private <T> T read(java.util.function.Function<EntityManager, T> work) {
        EntityManager em = factory.createEntityManager();
        try {
            return work.apply(em);
        } finally {
            em.close();
        }
    }

    @Override
    public void close() {
        factory.close();
    }
}
